using System.Diagnostics;
using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Jobs.Outbox;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// Two real bot processes on one PostgreSQL database fan out 200 cards (one per conversation) to a slow stand-in
/// (each answered after 400 ms, so several requests are always on the wire); the first is killed outright (SIGKILL)
/// once a third have arrived, and the other (alone, or with the killed one restarted) finishes.
/// Slack: every card arrives exactly once (cut-off sends are looked up in the channel's history by their key).
/// Teams: only the requests on the wire at the kill are in doubt; each follows its kind's policy (reminders are sent
/// again, review cards held) and all are reported to the lead in one card. Both instances sent a share, and the
/// killed instance's rows passed to another within 10 s.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ProcessKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Count = 200;
    private const string LeadConversation = "LEAD";
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(400);

    private readonly PostgresTestStore _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();

    public Task DisposeAsync() => _store.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Slack_a_killed_instance_loses_nothing_and_sends_nothing_twice(bool restart)
    {
        using var slack = new SlackWorkspaceStandIn(Delay);
        var run = await FanOutAndKillAsync(Platform.Slack, restart, name => new Dictionary<string, string>
        {
            ["SLACK_BOT_TOKEN"] = $"xoxb-{name}",
            ["SLACK_SIGNING_SECRET"] = "test-signing-secret",
            ["Slack__TeamId"] = "T1",
            ["Slack__AppId"] = "A1",
            ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl,
            // 5 a second per instance: the fan-out lasts long enough to be cut in the middle.
            ["Outbox__SlackWorkspacePerMinute"] = "300",
        }, () => slack.Posts.Count(p => p.Channel.StartsWith("C-FAN-", StringComparison.Ordinal)));

        var received = slack.Posts.Where(p => p.Channel.StartsWith("C-FAN-", StringComparison.Ordinal)).GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(Count, received.Count); // 0 lost
        Assert.All(received, r => Assert.Single(r.Value)); // 0 duplicated
        Assert.All(run.Rows, r => Assert.Equal((true, (DateTimeOffset?)null, (DateTimeOffset?)null), (r.SentAt is not null, r.DeadLetteredAt, r.InDoubtAt)));
        Assert.All(run.Rows, r => Assert.Equal(r.IdempotencyKey, Assert.Single(received[Conversation(Platform.Slack, Index(r))]).Key)); // each carries its key
        Assert.DoesNotContain(slack.Posts, p => p.Channel == LeadConversation); // nothing to report
        Assert.True(slack.HistoryCalls >= run.InFlight.Count, $"{slack.HistoryCalls} history lookups for {run.InFlight.Count} cut-off sends");
        var shares = received.Values.SelectMany(v => v).GroupBy(p => p.Token).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(shares.GetValueOrDefault("Bearer xoxb-first") > 0 && shares.GetValueOrDefault("Bearer xoxb-second") > 0, "Shares: " + string.Join(", ", shares));
        output.WriteLine($"Slack{(restart ? ", restarted" : "")}: {Count} cards, {run.InFlight.Count} cut off on the wire by the kill (all resolved by history), shares {string.Join(", ", shares)}, takeover {run.Takeover.TotalSeconds:F1} s");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Teams_a_killed_instance_leaves_only_its_requests_on_the_wire_in_doubt_each_handled_by_its_policy_and_reported_once(bool restart)
    {
        using var teams = new TeamsConnectorStandIn(Delay);
        var run = await FanOutAndKillAsync(Platform.Teams, restart, name => new Dictionary<string, string>
        {
            ["MicrosoftAppId"] = BotFrameworkFakes.AppId,
            ["MicrosoftAppPassword"] = "test-only-password",
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppTenantId"] = name, // the stand-in's token names it: who sent what
            ["Teams__TokenEndpoint"] = teams.TokenEndpoint,
            ["Teams__OpenIdMetadataUrl"] = $"{LoopbackWireMock.Url(teams.Server)}/openid",
            ["Teams__AllowedServiceUrls__0"] = teams.ServiceUrl,
            ["Outbox__TeamsTenantPerSecond"] = "5", // 5 a second per instance: the fan-out lasts long enough to be cut in the middle
        }, () => teams.Posts.Count(p => p.Conversation.StartsWith("a:fan-", StringComparison.Ordinal)), teams.ServiceUrl);

        var received = teams.Posts.Where(p => p.Conversation.StartsWith("a:fan-", StringComparison.Ordinal)).GroupBy(p => p.Conversation).ToDictionary(g => g.Key, g => g.Count());
        var inDoubt = run.Rows.Where(r => r.InDoubtAt is not null).Select(r => r.Id).ToHashSet();
        Assert.True(run.InFlight.SetEquals(inDoubt), // in doubt: exactly the requests on the wire at the kill
            $"Killed at {run.KilledAt:O} with {run.InFlight.Count} on the wire; in doubt: {inDoubt.Count}. Differences:\n"
            + string.Join("\n", run.Rows.Where(r => inDoubt.Contains(r.Id) != run.InFlight.Contains(r.Id)).Select(r =>
                $"{r.IdempotencyKey} ({r.Id}) on the wire {run.InFlight.Contains(r.Id)}, in doubt {r.InDoubtAt:O}, send started {r.SendStartedAt:O}, sent {r.SentAt:O}, dead {r.DeadLetteredAt:O}, "
                + $"arrived {teams.Posts.Count(p => p.Conversation == Conversation(Platform.Teams, Index(r)))}, error {r.LastError}"))
            + $"\nlogs:\n{run.Logs}");
        foreach (var row in run.Rows)
        {
            var arrived = received.GetValueOrDefault(Conversation(Platform.Teams, Index(row)));
            if (!inDoubt.Contains(row.Id))
            {
                Assert.Equal((1, true), (arrived, row.SentAt is not null)); // 0 lost, 0 duplicated
            }
            else if (row.Kind == "chase.reminder")
            {
                Assert.True(row.SentAt is not null && arrived is 1 or 2, $"{row.IdempotencyKey}: a reminder in doubt is sent again ({arrived} arrived)");
            }
            else
            {
                Assert.True(row.DeadLetteredAt is not null && row.SentAt is null && arrived is 0 or 1, $"{row.IdempotencyKey}: a review card in doubt is held ({arrived} arrived)");
            }
        }

        // Reported once: one incident, one card to the lead.
        Assert.Single(run.Rows.Where(r => inDoubt.Contains(r.Id)).Select(r => r.IncidentId).Distinct(), id => id is not null);
        var alert = Assert.Single(teams.Posts, p => p.Conversation == LeadConversation);
        Assert.Contains($"{inDoubt.Count} message(s) may not have been delivered", alert.Body, StringComparison.Ordinal);
        var shares = teams.Posts.Where(p => p.Conversation.StartsWith("a:fan-", StringComparison.Ordinal)).GroupBy(p => p.Token).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(shares.GetValueOrDefault("Bearer tok-first") > 0 && shares.GetValueOrDefault("Bearer tok-second") > 0, "Shares: " + string.Join(", ", shares));
        output.WriteLine($"Teams{(restart ? ", restarted" : "")}: {Count} cards, {inDoubt.Count} in doubt (on the wire at the kill), {received.Values.Count(v => v == 2)} of them arrived twice, shares {string.Join(", ", shares)}, takeover {run.Takeover.TotalSeconds:F1} s");
    }

    /// <summary>
    /// Starts two bots, queues the fan-out, kills the first once a third has arrived (noting which of its rows were on
    /// the wire), optionally restarts it, and waits (at most 45 s) until every row is sent or held and reported.
    /// </summary>
    private async Task<Run> FanOutAndKillAsync(Platform platform, bool restart, Func<string, Dictionary<string, string>> settings, Func<int> arrived, string? serviceUrl = null)
    {
        await using (var db = _store.NewContext())
        {
            await db.Database.MigrateAsync();
        }

        Dictionary<string, string> Environment(string name, string session)
        {
            var environment = settings(name);
            // Each process's own application name: the test can tell when the database has finished what a killed one sent.
            environment["ConnectionStrings__Postgres"] = new NpgsqlConnectionStringBuilder(_store.ConnectionString) { ApplicationName = session }.ToString();
            environment["Jobs__WorkerCount"] = "1";
            environment["Logging__LogLevel__Default"] = "Warning";
            environment["Logging__LogLevel__ChatCompliance.Jobs.Outbox"] = "Information";
            return environment;
        }

        var servers = await Task.WhenAll(BotServer.StartAsync(Environment("first", "cc-first")), BotServer.StartAsync(Environment("second", "cc-second")));
        using var first = servers[0];
        using var second = servers[1];
        BotServer? restarted = null;
        try
        {
            await QueueAsync(platform, serviceUrl);
            try
            {
                await OutboxWait.UntilAsync(() => Task.FromResult(arrived() >= Count / 3), "a third of the fan-out has arrived", TimeSpan.FromSeconds(40));
            }
            catch (Xunit.Sdk.XunitException)
            {
                Assert.Fail($"Only {arrived()} of {Count} arrived within 40 s.\nthe first's log:\n{first.Output}\nthe second's:\n{second.Output}");
            }

            // Kill one with requests on the wire now (the first, if both have). Between two paced sends an instance may
            // have none for a moment: look again until one has (a kill with nothing on the wire would prove nothing).
            string? prefix = null;
            var looking = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (prefix is null && DateTime.UtcNow < looking)
            {
                await using var db = _store.NewContext();
                foreach (var candidate in new[] { first.ClaimPrefix, second.ClaimPrefix })
                {
                    if (prefix is null && await db.Outbox.AnyAsync(o => o.SentAt == null && o.ClaimedBy!.StartsWith(candidate) && o.ClaimedBy.EndsWith(OutboxDispatcher.SendingSuffix)))
                    {
                        prefix = candidate;
                    }
                }
            }

            Assert.True(prefix is not null, "neither instance had a request on the wire within 10 s");

            var (killed, survivor) = prefix == first.ClaimPrefix ? (first, second) : (second, first);
            killed.Kill();
            var killedAt = Stopwatch.GetTimestamp();
            var killedAtUtc = DateTimeOffset.UtcNow;
            Assert.InRange(arrived(), Count / 3, Count - 1); // killed in the middle
            HashSet<Guid> inFlight;
            await using (var db = _store.NewContext())
            {
                // A statement the process had sent before it died still runs (a row marked "sending" whose request it was
                // about to start): what was on the wire is known once the database has closed the dead process's sessions.
                var deadName = killed == first ? "cc-first" : "cc-second";
                await OutboxWait.UntilAsync(async () => await db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE application_name = {deadName}").SingleAsync() == 0,
                    "the database has closed the killed process's sessions", TimeSpan.FromSeconds(5));
                inFlight = [.. await db.Outbox.AsNoTracking().Where(o => o.Kind != OutboxDispatcher.DeadLetterAlertKind && o.SentAt == null
                    && o.ClaimedBy!.StartsWith(prefix) && o.ClaimedBy.EndsWith(OutboxDispatcher.SendingSuffix)).Select(o => o.Id).ToListAsync()];
            }

            Assert.NotEmpty(inFlight); // the kill did cut requests off, or this test would prove nothing
            // The restart starts while the takeover is timed: the survivor does not wait for it.
            var restarting = restart ? BotServer.StartAsync(Environment(killed == first ? "first" : "second", "cc-restarted")) : null;

            var takeover = TimeSpan.Zero;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
            while (true)
            {
                await using var db = _store.NewContext();
                if (takeover == TimeSpan.Zero && !await db.Outbox.AnyAsync(o => o.ClaimedBy!.StartsWith(prefix)))
                {
                    takeover = Stopwatch.GetElapsedTime(killedAt);
                }

                var pending = await db.Outbox.CountAsync(o => (o.SentAt == null && o.DeadLetteredAt == null)
                    || (o.IncidentId == null && o.Kind != OutboxDispatcher.DeadLetterAlertKind && (o.DeadLetteredAt != null || o.InDoubtAt != null)));
                if (pending == 0 && takeover > TimeSpan.Zero)
                {
                    break;
                }

                if (DateTime.UtcNow >= deadline)
                {
                    var stuck = await db.Outbox.AsNoTracking().Where(o => (o.SentAt == null && o.DeadLetteredAt == null) || (o.IncidentId == null && (o.DeadLetteredAt != null || o.InDoubtAt != null))).Take(5).ToListAsync();
                    Assert.Fail($"{pending} message(s) still pending 45 s after the kill (now {DateTimeOffset.UtcNow:O}): "
                        + string.Join("; ", stuck.Select(o => $"{o.IdempotencyKey} claimed by {o.ClaimedBy} until {o.ClaimedUntil:O}, next {o.NextAttemptAt:O}, attempts {o.Attempts}, dead {o.DeadLetteredAt:O}, error {o.LastError}"))
                        + $"\nthe survivor's log:\n{survivor.Output}\nthe restarted one's:\n{restarted?.Output}");
                }

                await Task.Delay(100);
            }

            restarted = restarting is null ? null : await restarting;
            Assert.True(takeover <= TimeSpan.FromSeconds(10), $"The killed instance's rows passed to another after {takeover.TotalSeconds:F1} s");
            await Task.Delay(1000); // a second copy (there should be none) would show up now
            await using (var db = _store.NewContext())
            {
                return new Run(inFlight, await db.Outbox.AsNoTracking().Where(o => o.Kind != OutboxDispatcher.DeadLetterAlertKind).ToListAsync(), takeover, killedAtUtc,
                    $"the survivor's:\n{survivor.Output}\nthe restarted one's:\n{restarted?.Output}");
            }
        }
        finally
        {
            restarted?.Dispose();
        }
    }

    private async Task QueueAsync(Platform platform, string? serviceUrl)
    {
        await using var db = _store.NewContext();
        var now = DateTimeOffset.UtcNow;
        var tenant = platform == Platform.Slack ? "T1" : "tenant-1";
        var lead = new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = now };
        db.People.Add(lead);
        db.ConversationReferences.Add(new ConversationReference { Platform = platform, Scope = ConversationScope.Personal, ConversationId = LeadConversation, TenantId = tenant, ServiceUrl = serviceUrl, PersonId = lead.Id, UpdatedAt = now });
        for (var i = 0; i < Count; i++)
        {
            var conversation = new ConversationReference { Platform = platform, Scope = ConversationScope.Personal, ConversationId = Conversation(platform, i), TenantId = tenant, ServiceUrl = serviceUrl, UpdatedAt = now };
            db.ConversationReferences.Add(conversation);
            var text = $"fan-out card {i}";
            // Teams: half reminders (sent again when in doubt), half review cards (held for a lead).
            await db.EnqueueAsync($"fan:{i}", i % 2 == 0 ? "chase.reminder" : "review.request", new Card(new CardHeader("Fan-out"), [new TextElement(text)], text), conversation, now);
        }

        await db.SaveChangesAsync();
    }

    private static string Conversation(Platform platform, int i) =>
        (platform == Platform.Slack ? "C-FAN-" : "a:fan-") + i.ToString("D3", CultureInfo.InvariantCulture);

    private static int Index(OutboxMessage row) => int.Parse(row.IdempotencyKey["fan:".Length..], CultureInfo.InvariantCulture);

    private sealed record Run(HashSet<Guid> InFlight, List<OutboxMessage> Rows, TimeSpan Takeover, DateTimeOffset KilledAt, string Logs);
}
