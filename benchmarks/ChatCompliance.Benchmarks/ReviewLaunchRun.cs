using System.Diagnostics;
using System.Globalization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Integrations.Graph;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// Launches an access review of one Entra group of <c>accounts</c> users whose managers are <c>reviewers</c> people,
/// each with a personal Slack conversation, with Microsoft Graph served by <see cref="FakeGraph"/> on this machine and
/// the real Graph directory, store, audit trail and launcher built as the bot builds them. Times (a) reading the
/// population from Graph, (b) a whole launch (which reads Graph again), and (c) a launch over a population read before,
/// split into the snapshot (items and audit entry) and the queue (a card in the outbox per reviewer). Checks the result.
/// </summary>
internal static class ReviewLaunchRun
{
    private static readonly TaskActor Actor = new(null, Platform.Api, "benchmark");

    public static async Task RunAsync(int accounts, int reviewers, string provider, TimeSpan latency)
    {
        var now = DateTimeOffset.UtcNow;
        await using var graph = await FakeGraph.StartAsync(accounts, reviewers, now, latency);
        var data = Directory.CreateTempSubdirectory("cc-review-").FullName;
        var postgres = provider == "postgres" ? await BenchmarkPostgres.CreateDatabaseAsync() : null;
        try
        {
            var config = new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = data,
                ["ConnectionStrings:Postgres"] = postgres,
                ["Graph:TenantId"] = FakeGraph.TenantId,
                ["Graph:ClientId"] = "00000000-0000-4000-8000-0000000000cc",
                ["Graph:ClientSecret"] = "benchmark-placeholder",
                // A throwaway MAC key for this run's throwaway store.
                ["Audit:Keys:bench"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["Audit:CurrentKeyId"] = "bench",
                ["Graph:BaseUrl"] = graph.BaseUrl,
                ["Graph:TokenEndpoint"] = graph.TokenEndpoint,
                // Every launch asks Graph for every manager, as a launch more than ten minutes after the last does.
                ["Graph:ManagerCacheMinutes"] = "0",
            };
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = data });
            builder.Configuration.AddInMemoryCollection(config);
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
                // SQLite's migrations warn that PRAGMA foreign_keys runs outside their transaction: known, not what is measured.
                .AddFilter("Microsoft.EntityFrameworkCore.Migrations", LogLevel.Error)
                // A fresh PostgreSQL database has no migrations history yet: EF Core logs that first query's failure. Failures throw anyway.
                .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None);
            builder.AddStorage();
            builder.AddAuditTrail();
            builder.AddAccessReviews();
            builder.AddGraphDirectory();
            using var host = builder.Build();
            var services = host.Services;
            var store = services.GetRequiredService<StoreDescription>();
            var concurrency = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphOptions>>().Value.MaxConcurrency;
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; store {store.Provider}; " +
                $"{accounts} accounts, {reviewers} reviewers (managers); Graph batches in flight {concurrency}, latency {latency.TotalMilliseconds:0} ms per Graph call");

            await StoreMigrator.MigrateAsync(services);
            await SeedReviewersAsync(services, reviewers, now);

            // The first read pays for JIT and connection set-up; it is reported, and the second is the one compared.
            var directory = services.GetRequiredService<IAccessDirectory>();
            var (cold, coldCpu, _, _, _) = await PopulateAsync(directory, graph, accounts);
            Report("(a) populate, first read (cold: JIT, connections, token)", cold, coldCpu, accounts, "accounts", "");
            var batched = graph.BatchedRequests;
            var (populate, populateCpu, populateRequests, resource, population) = await PopulateAsync(directory, graph, accounts);
            Report("(a) populate (Graph: group, owners, members, sign-ins, sponsors, managers)", populate, populateCpu, accounts, "accounts",
                $"{populateRequests} Graph calls carrying {graph.BatchedRequests - batched} requests in $batch, {populateRequests / populate.TotalSeconds:0} calls/s");

            using var timeline = new EfTimeline();

            // A small launch first, so neither timed launch pays for compiling EF Core's insert and query paths.
            await TimedLaunchAsync(services, await AddDraftAsync(services, "warm-up", now), new PreReadDirectory(resource, [.. population.Take(100)]), timeline);

            // (b) The whole launch as the API starts it: Graph read again, then snapshot and queue in one transaction.
            var graphDraft = await AddDraftAsync(services, "launch from Graph", now);
            var requests = graph.Requests;
            var launch = await TimedLaunchAsync(services, graphDraft, null, timeline);
            var launchRequests = graph.Requests - requests;
            Report("(b) launch (Graph read + snapshot + queue, one transaction)", launch.Elapsed, launch.Cpu, accounts, "accounts", $"{launchRequests} Graph requests");
            Report("    launch minus populate (snapshot + queue)", launch.Elapsed - populate, launch.Cpu - populateCpu, accounts, "accounts", "");
            await VerifyAsync(services, graphDraft, accounts, reviewers);

            // (c) The same over the population read in (a): no Graph, so the database side alone, split by EF Core's events.
            var cachedDraft = await AddDraftAsync(services, "launch from a population read before", now);
            var cached = await TimedLaunchAsync(services, cachedDraft, new PreReadDirectory(resource, population), timeline);
            Report("(c) launch over a population read before (snapshot + queue)", cached.Elapsed, cached.Cpu, accounts, "accounts", "");
            cached.Breakdown.ForEach(Console.WriteLine);
            await VerifyAsync(services, cachedDraft, accounts, reviewers);

            // (d) The items' write alone, as the launch does it (BulkInsertAsync in its transaction), rolled back after.
            var (written, bulk) = await TimedBulkInsertAsync(services, cachedDraft);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"(d) bulk insert of {written} review items alone ({store.Provider}): {bulk.TotalSeconds:0.000} s"));

            var self = Process.GetCurrentProcess();
            self.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Graph requests served in all: {graph.Requests}; peak working set {self.PeakWorkingSet64 / 1048576.0:0} MiB (this process: the fake Graph, the directory, EF Core and the store client)"));
            Console.WriteLine("checks passed: items == accounts, distinct reviewers == reviewers, one launch card per reviewer in the outbox, for both launches");
        }
        finally
        {
            SqliteCleanup();
            Directory.Delete(data, recursive: true);
            if (postgres is not null)
            {
                await BenchmarkPostgres.DropDatabaseAsync(postgres);
            }
        }
    }

    /// <summary>(a): the resource and the population with managers, as a launch reads them.</summary>
    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu, long Requests, DirectoryResource Resource, IReadOnlyList<DirectoryAccount> Population)> PopulateAsync(
        IAccessDirectory directory, FakeGraph graph, int accounts)
    {
        var requests = graph.Requests;
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        var resource = await directory.ReadResourceAsync(ReviewResourceKind.EntraGroup, FakeGraph.GroupId);
        var population = await directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, FakeGraph.GroupId, includeManagers: true);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Check(population.Count == accounts, $"population: {population.Count} accounts read, {accounts} expected");
        return (elapsed, CpuTime() - cpu, graph.Requests - requests, resource, population);
    }

    private static async Task SeedReviewersAsync(IServiceProvider services, int reviewers, DateTimeOffset now)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        for (var m = 0; m < reviewers; m++)
        {
            var person = new Person { Email = FakeGraph.ManagerEmail(m), DisplayName = $"Manager {m:D4}", CreatedAt = now };
            db.People.Add(person);
            db.ConversationReferences.Add(new ConversationReference
            {
                Platform = Platform.Slack,
                Scope = ConversationScope.Personal,
                ConversationId = $"D{m:D8}",
                TenantId = "T0000BENCH",
                UserId = $"U{m:D8}",
                PersonId = person.Id,
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>A draft as <see cref="CampaignLauncher.CreateAsync"/> leaves one when its launch fails: the benchmark's setup, not timed.</summary>
    private static async Task<Guid> AddDraftAsync(IServiceProvider services, string name, DateTimeOffset now)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var draft = new AccessReviewCampaign
        {
            Name = name,
            ResourceKind = ReviewResourceKind.EntraGroup,
            ResourceId = FakeGraph.GroupId,
            ReviewerRule = ReviewerRule.Manager,
            PeriodStart = today,
            PeriodEnd = today.AddDays(30),
            DueDate = today.AddDays(30),
            CreatedAt = now,
        };
        db.AccessReviewCampaigns.Add(draft);
        await db.SaveChangesAsync();
        return draft.Id;
    }

    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu, List<string> Breakdown)> TimedLaunchAsync(IServiceProvider services, Guid draft, IAccessDirectory? directory, EfTimeline timeline)
    {
        await using var scope = services.CreateAsyncScope();
        var launcher = directory is null
            ? scope.ServiceProvider.GetRequiredService<CampaignLauncher>()
            : ActivatorUtilities.CreateInstance<CampaignLauncher>(scope.ServiceProvider, directory);
        using var bounded = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        timeline.Clear();
        timeline.Recording = true;
        var cpu = CpuTime();
        var started = Stopwatch.GetTimestamp();
        var outcome = await launcher.LaunchAsync(draft, Actor, cancellationToken: bounded.Token);
        var ended = Stopwatch.GetTimestamp();
        timeline.Recording = false;
        Check(outcome.Kind == ReviewOutcomeKind.Done, $"launch: {outcome.Kind}: {outcome.Message}");
        return (Stopwatch.GetElapsedTime(started, ended), CpuTime() - cpu, Breakdown(timeline, started, ended));
    }

    /// <summary>
    /// Before the first conversation lookup: campaign, reviewers, items built, audit entry appended (snapshot, in memory).
    /// From it to SaveChanges: the enqueue loop (per reviewer: their conversations, the key check, the card) (queue).
    /// SaveChanges and commit: the rows written, split by table.
    /// </summary>
    private static List<string> Breakdown(EfTimeline timeline, long started, long ended)
    {
        var commands = timeline.Commands.OrderBy(c => c.Started).ToList();
        var saveStarted = timeline.SaveStarted ?? ended;
        var saveCompleted = timeline.SaveCompleted ?? ended;
        var firstLookup = commands.FirstOrDefault(c => c.Text.Contains("\"ConversationReferences\"", StringComparison.Ordinal))?.Started ?? saveStarted;
        string Line(string what, long from, long to, IEnumerable<EfTimeline.Command> during) =>
            string.Create(CultureInfo.InvariantCulture, $"    {what,-64} {Stopwatch.GetElapsedTime(from, to).TotalSeconds,8:0.000} s; {Describe(during)}");
        string Describe(IEnumerable<EfTimeline.Command> during) => string.Join(", ", during
            .GroupBy(c => c.Table)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} × {g.Key} {g.Sum(c => c.Duration.TotalMilliseconds):0} ms")));
        return
        [
            Line("before the queue: load, reviewers, items, audit entry (memory)", started, firstLookup, commands.Where(c => c.Started < firstLookup)),
            Line("enqueue loop: per reviewer conversations, key check, card", firstLookup, saveStarted, commands.Where(c => c.Started >= firstLookup && c.Started < saveStarted)),
            Line("SaveChanges: items, audit entry, outbox rows, people, campaign", saveStarted, saveCompleted, commands.Where(c => c.Started >= saveStarted && c.Started < saveCompleted)),
            Line("commit", saveCompleted, ended, commands.Where(c => c.Started >= saveCompleted)),
        ];
    }

    private static async Task<(int Count, TimeSpan Elapsed)> TimedBulkInsertAsync(IServiceProvider services, Guid campaignId)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var items = await db.AccessReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId).ToListAsync();
        items.ForEach(i => i.Id = Guid.NewGuid());
        var draft = await AddDraftAsync(services, "bulk insert alone", DateTimeOffset.UtcNow);
        items.ForEach(i => i.CampaignId = draft);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var started = Stopwatch.GetTimestamp();
        await db.BulkInsertAsync(items, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await transaction.RollbackAsync();
        return (items.Count, elapsed);
    }

    private static async Task VerifyAsync(IServiceProvider services, Guid campaignId, int accounts, int reviewers)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var items = await db.AccessReviewItems.CountAsync(i => i.CampaignId == campaignId);
        var distinct = await db.AccessReviewItems.Where(i => i.CampaignId == campaignId).Select(i => i.ReviewerId).Distinct().CountAsync();
        var prefix = $"review:{campaignId:N}:launch:";
        var cards = await db.Outbox.CountAsync(o => o.IdempotencyKey.StartsWith(prefix));
        var launched = await db.AuditTrail.CountAsync(e => e.Action == "review.launched" && e.SubjectId == AuditSubjects.Id(campaignId));
        Console.WriteLine($"    stored: {items} items, {distinct} distinct reviewers, {cards} outbox rows queued, {launched} launch audit entry");
        Check(items == accounts, $"{items} items stored, {accounts} expected");
        Check(distinct == reviewers, $"{distinct} distinct reviewers, {reviewers} expected");
        Check(cards == reviewers, $"{cards} launch cards queued, {reviewers} expected");
        Check(launched == 1, $"{launched} review.launched audit entries, 1 expected");
    }

    /// <summary>Wall time, and this process's CPU time, which depends less on what else the 2 cores are doing.</summary>
    private static void Report(string what, TimeSpan elapsed, TimeSpan cpu, int count, string unit, string extra) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {elapsed.TotalSeconds:0.000} s ({cpu.TotalSeconds:0.0} s CPU), {count / elapsed.TotalSeconds:0} {unit}/s{(extra.Length > 0 ? "; " + extra : "")}"));

    private static TimeSpan CpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    private static void Check(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"review-launch check failed: {failure}");
        }
    }

    private static void SqliteCleanup() => Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

    /// <summary>The directory's answers read once before, so a launch over it measures the database side alone.</summary>
    private sealed class PreReadDirectory(DirectoryResource resource, IReadOnlyList<DirectoryAccount> population) : IAccessDirectory
    {
        public bool IsConfigured => true;

        public Task<DirectoryResource> ReadResourceAsync(ReviewResourceKind kind, string resourceId, CancellationToken cancellationToken = default) =>
            Task.FromResult(resource);

        public Task<IReadOnlyList<DirectoryAccount>> ReadPopulationAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, CancellationToken cancellationToken = default) =>
            Task.FromResult(population);

        public Task<string?> FindManagerEmailAsync(string userIdOrEmail, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<DirectoryRemoval> RemoveAccessAsync(ReviewResourceKind kind, string resourceId, string subjectId, string? assignmentId, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
    }
}
