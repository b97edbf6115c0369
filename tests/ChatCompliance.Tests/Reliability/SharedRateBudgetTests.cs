using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// Two app instances on one PostgreSQL database fan out to one Teams tenant: together they keep to the tenant's
/// budget (the rate one instance would keep), and every card arrives exactly once.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SharedRateBudgetTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Small by default, to keep the suite quick; the benchmark in benchmarks/README.md runs it at Teams' own 50 a second.
    private static readonly int PerSecond = Setting("CHATCOMPLIANCE_FANOUT_PER_SECOND", 10);
    private static readonly int Count = Setting("CHATCOMPLIANCE_FANOUT_COUNT", 60);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value is > 0 and <= 5000 ? value : fallback;

    private readonly TestPostgres _postgres = new();
    private readonly BotFrameworkFakes _teams = new();
    private ComplianceApp _first = null!;
    private ComplianceApp _second = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        var settings = _teams.Settings();
        settings["ConnectionStrings:Postgres"] = _postgres.ConnectionString;
        settings["Outbox:TeamsTenantPerSecond"] = PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _first = new ComplianceApp(settings);
        _second = new ComplianceApp(settings);
        _ = _first.Services; // migrates the database and starts the first dispatcher
        _ = _second.Services;
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        _teams.Dispose();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_together_keep_to_one_tenants_budget_and_send_each_card_once()
    {
        await using (var scope = _first.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            var now = DateTimeOffset.UtcNow;
            for (var i = 0; i < Count; i++)
            {
                var conversation = new ConversationReference { Platform = Platform.Teams, Scope = ConversationScope.Personal, ConversationId = $"a:budget-{i:D3}", TenantId = "tenant-1", ServiceUrl = _teams.ServiceUrl, UpdatedAt = now };
                db.ConversationReferences.Add(conversation);
                await db.EnqueueAsync($"budget:{i}", "chase.reminder", new Card(new CardHeader("Budget"), [new TextElement($"card {i}")], $"card {i}"), conversation, now);
            }

            await db.SaveChangesAsync();
        }

        await OutboxWait.DrainedAsync(_first.Services, TimeSpan.FromSeconds(30 + (2 * Count / PerSecond)));
        await Task.Delay(500); // a second copy (there should be none) would show up now

        var posts = _teams.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path.Contains("budget-", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(Count, posts.Count); // nothing lost, nothing twice
        Assert.Equal(Count, posts.Select(p => p.RequestMessage.Path).Distinct().Count());

        // In no second did the tenant's sends start more than its budget (the start is what the dispatcher paces: the
        // first requests of a cold app wait together for its token and may arrive bunched).
        await using var check = _first.Services.CreateAsyncScope();
        var rows = await check.ServiceProvider.GetRequiredService<ComplianceDbContext>().Outbox.AsNoTracking()
            .Where(o => o.IdempotencyKey.StartsWith("budget:")).ToListAsync();
        Assert.All(rows, r => Assert.NotNull(r.SentAt));
        var times = rows.Select(r => r.SendStartedAt!.Value).Order().ToList();
        var busiest = Enumerable.Range(0, times.Count).Max(i => times.Skip(i).TakeWhile(t => t - times[i] < TimeSpan.FromSeconds(1)).Count());
        var span = (times[^1] - times[0]).TotalSeconds;
        output.WriteLine($"{Count} cards from two instances started over {span:F1} s: {(Count - 1) / span:F1} a second against a budget of {PerSecond}; busiest second {busiest}");
        // One more than the budget at most: a send woken a little late (up to a quarter of the spacing) keeps its slot, and
        // the budget's spacing carries a margin (50 ms a second) that such a send stays within on the platform's count.
        // Without the shared budget two instances start about twice the budget in a second.
        Assert.True(busiest <= PerSecond + 1, $"{busiest} sends started within one second; the tenant's budget is {PerSecond}");
        Assert.True((Count - 1) / span <= PerSecond, $"{(Count - 1) / span:F1} a second on average; the tenant's budget is {PerSecond}");
    }
}
