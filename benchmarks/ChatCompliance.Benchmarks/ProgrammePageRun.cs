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
/// The Programme page's figures (<see cref="ProgrammeOverview.ReadAsync"/>, everything the page reads before its first
/// byte) on a programme of 500 controls and 10,000 tasks; target: under 100 ms.
/// </summary>
internal static class ProgrammePageRun
{
    public static async Task RunAsync(int controls, int tasks)
    {
        var data = Directory.CreateTempSubdirectory("cc-programme-").FullName;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = data });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = data });
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None);
            builder.AddStorage();
            using var host = builder.Build();
            await StoreMigrator.MigrateAsync(host.Services);
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            await SeedAsync(host.Services, controls, tasks, today);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; SQLite; {controls} controls, {tasks} tasks"));

            var times = new List<double>();
            ProgrammeSnapshot? snapshot = null;
            for (var run = 0; run <= 20; run++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                var overview = new ProgrammeOverview(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>(), Options.Create(new AuditOptions()), TimeProvider.System);
                var watch = Stopwatch.StartNew();
                snapshot = await overview.ReadAsync();
                if (run > 0)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"programme figures: min {times[0]:0.0} ms, median {times[times.Count / 2]:0.0} ms, max {times[^1]:0.0} ms over {times.Count} reads " +
                $"({snapshot!.BySoc2.Count} SOC 2 groups, {snapshot.TasksByOwner.Count} owners, overdue now {snapshot.OverdueTrend[^1].Overdue})"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task SeedAsync(IServiceProvider services, int controls, int tasks, DateOnly today)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var now = DateTimeOffset.UtcNow;
        var people = Enumerable.Range(0, 200).Select(i => new Person { Email = $"owner{i}@example.com", DisplayName = $"Owner {i}", CreatedAt = now }).ToList();
        db.People.AddRange(people);
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
