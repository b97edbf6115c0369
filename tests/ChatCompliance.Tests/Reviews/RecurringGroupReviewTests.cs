using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Graph;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static ChatCompliance.Tests.Graph.FinanceDirectory;

namespace ChatCompliance.Tests.Reviews;

public sealed class SqliteRecurringGroupReviewTests : RecurringGroupReviewTests<SqliteTestStore>;

public sealed class PostgresRecurringGroupReviewTests : RecurringGroupReviewTests<PostgresTestStore>;

/// <summary>
/// A monthly review of a group through <see cref="CampaignLauncher"/> against WireMock as Graph: the first campaign
/// reads in full and keeps the series' delta state in the store; the keeper moves it forward between periods; the next
/// month's campaign reads only the changes.
/// </summary>
public abstract class RecurringGroupReviewTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly TStore _store = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly Person _lead = new() { Email = "lee@example.com", DisplayName = "Lee", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = Start };
    private GraphHarness _graph = null!;
    private FinanceDirectory _finance = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        db.People.Add(_lead);
        await db.SaveChangesAsync();
        _graph = GraphHarness.Start();
        _finance = new FinanceDirectory(_graph);
    }

    public async Task DisposeAsync()
    {
        await _graph.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task The_next_month_of_a_recurring_group_review_reads_only_the_changes_since_the_last()
    {
        var first = await CreateMonthlyAsync();

        await using (var db = _store.NewContext())
        {
            var kept = await db.PopulationDeltas.SingleAsync();
            Assert.Equal((first, ReviewResourceKind.EntraGroup, GroupId, Start), (kept.SeriesId, kept.ResourceKind, kept.ResourceId, kept.TakenAt));
            Assert.EndsWith("deltatoken=t1", kept.Link, StringComparison.Ordinal);
        }

        // A month later Nora has joined and Bob has left.
        _finance.Direct.Add("u5");
        _finance.Direct.Remove("u2");
        _finance.AnswerChanges("t1", "t2", Changes(GroupId, Added("u5"), Removed("u2")));
        _graph.Graph.ResetLogEntries();
        _time.Advance(TimeSpan.FromDays(30));
        await using (var db = _store.NewContext())
        {
            var outcomes = await Launcher(db).LaunchDueRecurrencesAsync(new DateOnly(2026, 12, 2));
            Assert.True(Assert.Single(outcomes).Succeeded);
        }

        Assert.Empty(_graph.RequestsTo($"/groups/{GroupId}/transitiveMembers/graph.user"));
        await using var check = _store.NewContext();
        var next = await check.AccessReviewCampaigns.SingleAsync(c => c.Id != first);
        Assert.Equal(first, next.SeriesId);
        Assert.Equal(["u1", "u3", "u4", "u5"], (await check.AccessReviewItems.Where(i => i.CampaignId == next.Id).Select(i => i.SubjectId).ToListAsync()).Order(StringComparer.Ordinal));
        var kept2 = await check.PopulationDeltas.SingleAsync();
        Assert.EndsWith("deltatoken=t2", kept2.Link, StringComparison.Ordinal);
        Assert.Equal(Start.AddDays(30), kept2.TakenAt);
        var launched = await check.AuditTrail.Where(e => e.Action == "review.launched").OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(["full", "changes since the last period"], launched.Select(e => JsonDocument.Parse(e.After!).RootElement.GetProperty("populationRead").GetString()));
        Assert.True((await AuditChainVerifier.VerifyAsync(check, TestAuditKeys.Ring)).Intact);
    }

    [Fact]
    public async Task A_campaign_that_does_not_recur_keeps_no_delta_state()
    {
        await using var db = _store.NewContext();
        var outcome = await Launcher(db).CreateAsync(
            new NewCampaign(CampaignLauncher.DefaultName(GroupId), ReviewResourceKind.EntraGroup, GroupId, ReviewerRule.ResourceOwner, new DateOnly(2026, 11, 30),
                ResourceOwnerEmail: "owen@example.com", Recurrence: Recurrence.None),
            new TaskActor(await db.People.SingleAsync(p => p.Id == _lead.Id), Platform.Slack));

        Assert.True(outcome.Succeeded, outcome.Message.Text);
        Assert.Empty(await db.PopulationDeltas.ToListAsync());
        Assert.Empty(_graph.RequestsTo("/groups/delta"));
    }

    [Fact]
    public async Task Between_periods_the_keeper_moves_the_delta_forward_before_Graph_forgets_it_and_drops_it_once_expired()
    {
        await CreateMonthlyAsync();
        _finance.Direct.Add("u5");
        _finance.AnswerChanges("t1", "t2", Changes(GroupId, Added("u5")));

        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await KeepAsync()); // not due yet
        _time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await KeepAsync());
        await using (var db = _store.NewContext())
        {
            var kept = await db.PopulationDeltas.SingleAsync();
            Assert.EndsWith("deltatoken=t2", kept.Link, StringComparison.Ordinal);
            Assert.Equal(Start.AddDays(4), kept.TakenAt);
            Assert.Contains("u5", kept.Membership, StringComparison.Ordinal);
        }

        _graph.GetWhere("/groups/delta", "deltatoken=t2", GraphHarness.Error(410, "resyncRequired", "gone"));
        _time.Advance(TimeSpan.FromDays(4));
        Assert.Equal(0, await KeepAsync());
        await using var check = _store.NewContext();
        Assert.Empty(await check.PopulationDeltas.ToListAsync()); // the next launch reads in full
    }

    [Fact]
    public async Task The_keeper_drops_the_delta_of_a_series_that_no_longer_recurs_without_asking_Graph()
    {
        var first = await CreateMonthlyAsync();
        await using (var db = _store.NewContext())
        {
            (await db.AccessReviewCampaigns.SingleAsync(c => c.Id == first)).Status = CampaignStatus.Cancelled;
            await db.SaveChangesAsync();
        }

        _graph.Graph.ResetLogEntries();
        _time.Advance(TimeSpan.FromDays(4));
        Assert.Equal(0, await KeepAsync());

        await using var check = _store.NewContext();
        Assert.Empty(await check.PopulationDeltas.ToListAsync());
        Assert.Empty(_graph.RequestsTo("/groups/delta"));
    }

    private async Task<Guid> CreateMonthlyAsync()
    {
        await using var db = _store.NewContext();
        var outcome = await Launcher(db).CreateAsync(
            new NewCampaign(CampaignLauncher.DefaultName(GroupId), ReviewResourceKind.EntraGroup, GroupId, ReviewerRule.ResourceOwner, new DateOnly(2026, 11, 30),
                ResourceOwnerEmail: "owen@example.com", Recurrence: Recurrence.Monthly),
            new TaskActor(await db.People.SingleAsync(p => p.Id == _lead.Id), Platform.Slack));
        Assert.True(outcome.Succeeded, outcome.Message.Text);
        Assert.Single(await db.PopulationDeltas.AsNoTracking().ToListAsync());
        return outcome.Campaign!.Id;
    }

    private async Task<int> KeepAsync()
    {
        await using var db = _store.NewContext();
        var failures = new List<Core.Outbox.JobRowFailure>();
        var moved = await new PopulationDeltaKeeper(db, _graph.Directory, _time).KeepAsync(failures);
        Assert.Empty(failures);
        return moved;
    }

    private CampaignLauncher Launcher(ComplianceDbContext db) =>
        new(db, new AuditTrail(_time, TestAuditKeys.Ring), _graph.Directory, _time, Options.Create(new ReviewOptions()));
}
