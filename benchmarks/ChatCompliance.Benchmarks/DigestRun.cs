using System.Diagnostics;
using System.Globalization;
using ChatCompliance.Core.Digests;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// <c>digest [tasks=100000] [postgres|sqlite]</c>: the weekly digest's figures built from a store holding that many
/// evidence tasks (2,000 owners, 500 controls, due dates spread over two years, every status), plus 20 running access
/// reviews of 500 accounts and 5,000 questions. Seeding is not timed; each of ten builds is, after one warm-up.
/// </summary>
internal static class DigestRun
{
    public static async Task RunAsync(int tasks, string provider)
    {
        var data = Directory.CreateTempSubdirectory("cc-digest-").FullName;
        var postgres = provider == "postgres" ? await BenchmarkPostgres.CreateDatabaseAsync() : null;
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = data });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = data,
                ["ConnectionStrings:Postgres"] = postgres,
            });
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
                .AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Error)
                .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
            builder.AddStorage();
            using var host = builder.Build();
            await StoreMigrator.MigrateAsync(host.Services);
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            var seeding = Stopwatch.StartNew();
            await SeedAsync(host.Services, tasks, today);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; store {provider}; {tasks} tasks seeded in {seeding.Elapsed.TotalSeconds:0.0} s (not timed)"));

            var times = new List<double>();
            DigestFigures? figures = null;
            for (var run = 0; run <= 10; run++)
            {
                await using var scope = host.Services.CreateAsyncScope();
                var digest = new WeeklyDigest(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>(), TimeProvider.System);
                var watch = Stopwatch.StartNew();
                figures = await digest.BuildAsync(today);
                if (run > 0)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"weekly digest build: min {times[0]:0.0} ms, median {times[times.Count / 2]:0.0} ms, max {times[^1]:0.0} ms over {times.Count} builds"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"figures: {figures!.OverdueTotal} overdue ({figures.OverdueByOwner.Count} owners named), {figures.DueSoonTotal} due soon, {figures.WaitingForLead} waiting, {figures.Reviews.Count} reviews, {figures.UnansweredLastWeek} unanswered"));
            if (times[times.Count / 2] >= 1000)
            {
                throw new InvalidOperationException("the digest took a second or more (target: under one second)");
            }
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

    private static async Task SeedAsync(IServiceProvider services, int tasks, DateOnly today)
    {
        var now = DateTimeOffset.UtcNow;
        var random = new Random(7);
        var people = Enumerable.Range(0, 2000).Select(i => new Person { Email = $"owner{i}@example.com", DisplayName = $"Owner {i}", CreatedAt = now }).ToList();
        var controls = Enumerable.Range(0, 500).Select(i => new Control { Code = $"C-{i:000}", Title = $"Control {i}", CreatedAt = now }).ToList();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.AddRange(people);
            db.Controls.AddRange(controls);
            await db.SaveChangesAsync();
        }

        var statuses = new[] { EvidenceTaskStatus.Open, EvidenceTaskStatus.Open, EvidenceTaskStatus.Submitted, EvidenceTaskStatus.Accepted, EvidenceTaskStatus.Rejected };
        for (var start = 0; start < tasks; start += 5000)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(tasks, start + 5000); i++)
            {
                var due = today.AddDays(random.Next(-365, 365));
                db.EvidenceTasks.Add(new EvidenceTask
                {
                    ControlId = controls[i % controls.Count].Id,
                    Title = $"Evidence {i}",
                    OwnerId = people[random.Next(people.Count)].Id,
                    DueDate = due,
                    PeriodStart = today.AddDays(-100_000 + i),
                    PeriodEnd = due,
                    Status = statuses[i % statuses.Length],
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }

            await db.SaveChangesAsync();
        }

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var c = 0; c < 20; c++)
            {
                var campaign = new AccessReviewCampaign { Name = $"Review {c}", ResourceId = $"system-{c}", DueDate = today.AddDays(c), Status = CampaignStatus.Running, CreatedAt = now };
                db.AccessReviewCampaigns.Add(campaign);
                for (var a = 0; a < 500; a++)
                {
                    db.AccessReviewItems.Add(new AccessReviewItem
                    {
                        CampaignId = campaign.Id,
                        SubjectId = $"u{a}",
                        SubjectDisplayName = $"User {a}",
                        Access = "member",
                        ReviewerId = people[a % people.Count].Id,
                        Decision = (ReviewDecision)(a % 4),
                    });
                }
            }

            for (var q = 0; q < 5000; q++)
            {
                db.Questions.Add(new Question { Text = $"question {q}", AskedAt = now.AddHours(-q), Status = (QuestionStatus)(q % 4) });
            }

            await db.SaveChangesAsync();
        }
    }
}
