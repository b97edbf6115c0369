using System.Diagnostics;
using System.Globalization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Programme;
using ChatCompliance.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// <c>programme [controls=500] [tasks=10000] [sqlite|postgres]</c>: the Programme page on a programme of that many
/// controls and tasks (200 owners, a lead). First the figures it reads (<see cref="ProgrammeOverview.ReadAsync"/>) in
/// process; then the real thing: the Release bot started on the seeded store, a lead signed in through the development
/// sign-in, and <c>GET /programme</c> timed to its first byte (the response head) and to its last. Target: first byte
/// under 100 ms (median).
/// </summary>
internal static class ProgrammePageRun
{
    private const string LeadEmail = "lead@example.com";
    private const int WarmUp = 10;
    private const int Requests = 30;

    public static async Task RunAsync(int controls, int tasks, string provider)
    {
        var data = Directory.CreateTempSubdirectory("cc-programme-").FullName;
        var postgres = provider == "postgres" ? await BenchmarkPostgres.CreateDatabaseAsync() : null;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = data });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = data, ["ConnectionStrings:Postgres"] = postgres });
            // CHATCOMPLIANCE_BENCH_SQL=1 prints each query of the in-process reads with its time, for profiling.
            var sql = Environment.GetEnvironmentVariable("CHATCOMPLIANCE_BENCH_SQL") == "1";
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None)
                .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", sql ? LogLevel.Information : LogLevel.None);
            builder.AddStorage();
            using (var host = builder.Build())
            {
                await StoreMigrator.MigrateAsync(host.Services);
                await SeedAsync(host.Services, controls, tasks, DateOnly.FromDateTime(DateTime.UtcNow));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {provider}; {controls} controls, {tasks} tasks"));
                await ReadFiguresAsync(host.Services);
            }

            await RequestPageAsync(data, postgres);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
            if (postgres is not null)
            {
                await BenchmarkPostgres.DropDatabaseAsync(postgres);
            }
        }
    }

    private static async Task ReadFiguresAsync(IServiceProvider services)
    {
        var times = new List<double>();
        ProgrammeSnapshot? snapshot = null;
        for (var run = 0; run <= 20; run++)
        {
            await using var scope = services.CreateAsyncScope();
            var overview = new ProgrammeOverview(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>(), Options.Create(new AuditOptions()), TimeProvider.System);
            var watch = Stopwatch.StartNew();
            snapshot = await overview.ReadAsync();
            if (run > 0)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"programme figures in process: {Summary(times)} over {times.Count} reads " +
            $"({snapshot!.BySoc2.Count} SOC 2 groups, {snapshot.TasksByOwner.Count} owners, overdue now {snapshot.OverdueTrend[^1].Overdue})"));
    }

    /// <summary>The Release bot on the seeded store; a lead's <c>GET /programme</c>, timed to the response head (first byte) and to the end.</summary>
    private static async Task RequestPageAsync(string data, string? postgres)
    {
        var port = TeamsLoadRun.FreePort();
        var bot = TeamsLoadRun.StartBot(port, data, "http://127.0.0.1:9", postgres: postgres);
        try
        {
            using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new System.Net.CookieContainer() };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await TeamsLoadRun.WaitForBotAsync(http, seconds: 300);
            using (var signIn = await http.GetAsync(new Uri($"/signin/dev?email={Uri.EscapeDataString(LeadEmail)}", UriKind.Relative)))
            {
                if (signIn.StatusCode != System.Net.HttpStatusCode.Redirect)
                {
                    throw new InvalidOperationException($"the development sign-in answered {(int)signIn.StatusCode}");
                }
            }

            var firstByte = new List<double>();
            var whole = new List<double>();
            var bytes = 0L;
            for (var i = 0; i < WarmUp + Requests; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(new Uri("/programme", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
                var head = watch.Elapsed.TotalMilliseconds;
                var body = await response.Content.ReadAsByteArrayAsync();
                var end = watch.Elapsed.TotalMilliseconds;
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET /programme answered {(int)response.StatusCode}");
                }

                if (i >= WarmUp)
                {
                    firstByte.Add(head);
                    whole.Add(end);
                    bytes = body.Length;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"GET /programme over HTTP, {Requests} requests after {WarmUp} warm-up: first byte {Summary(firstByte)}; whole page {Summary(whole)}; {bytes / 1024} KiB"));
        }
        finally
        {
            bot.Kill(entireProcessTree: true);
            await bot.WaitForExitAsync();
        }
    }

    private static string Summary(List<double> times)
    {
        times.Sort();
        var p95 = times[(int)Math.Ceiling(0.95 * times.Count) - 1];
        return string.Create(CultureInfo.InvariantCulture, $"min {times[0]:0.0} ms, median {times[times.Count / 2]:0.0} ms, p95 {p95:0.0} ms, max {times[^1]:0.0} ms");
    }

    private static async Task SeedAsync(IServiceProvider services, int controls, int tasks, DateOnly today)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var now = DateTimeOffset.UtcNow;
        var people = Enumerable.Range(0, 200).Select(i => new Person { Email = $"owner{i}@example.com", DisplayName = $"Owner {i}", CreatedAt = now }).ToList();
        db.People.AddRange(people);
        db.People.Add(new Person { Email = LeadEmail, DisplayName = "Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = now });
        string[] soc2 = ["CC1.1", "CC2.1", "CC3.2", "CC5.2", "CC6.1", "CC6.2", "CC7.2", "CC8.1", "A1.2", "C1.1"];
        var list = Enumerable.Range(0, controls).Select(i => new Control
        {
            Code = $"C-{i:000}",
            Title = $"Control {i}",
            Soc2Refs = [soc2[i % soc2.Length]],
            Iso27001Refs = [$"A.{5 + (i % 4)}.{1 + (i % 30)}"],
            Frequency = (EvidenceFrequency)(i % 4),
            CreatedAt = now,
        }).ToList();
        db.Controls.AddRange(list);
        var random = new Random(42);
        for (var i = 0; i < tasks; i++)
        {
            var status = (EvidenceTaskStatus)(i % 4);
            var due = today.AddDays(random.Next(-120, 90));
            db.EvidenceTasks.Add(new EvidenceTask
            {
                ControlId = list[i % list.Count].Id,
                Title = $"Task {i}",
                OwnerId = people[i % people.Count].Id,
                DueDate = due,
                Status = status,
                SubmittedAt = status == EvidenceTaskStatus.Open ? null : now.AddDays(random.Next(-100, 0)),
                DecidedAt = status == EvidenceTaskStatus.Accepted ? now.AddDays(random.Next(-100, 0)) : null,
                CreatedAt = now.AddDays(-150),
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync();
    }
}
