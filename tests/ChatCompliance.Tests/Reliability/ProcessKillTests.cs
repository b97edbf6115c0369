using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Jobs.Outbox;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using WireMock.Server;
using Xunit.Abstractions;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// The real bot, as a process, fans out 90 Slack messages (one per channel, five a second, each answered after
/// 400 ms, so two or more sends are always in flight) and is killed outright when about a third have arrived; a second process on the same database finishes.
/// What is guaranteed: nothing is lost (every message is delivered, or reported to the leads as possibly not) and
/// nothing is sent twice, except that a send cut off mid-flight is reported instead of resent: it may or may not have
/// arrived. With <c>Outbox:ResendAfterCrash</c> it is resent instead: every message arrives, and only a cut-off one twice.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ProcessKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Count = 90;
    private const string LeadChannel = "D-LEAD";

    private readonly PostgresTestStore _store = new();
    private WireMockServer _slack = null!;
    private Guid _leadId;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        // Longer than the 200 ms between two sends: whenever the kill comes, sends are in flight for it to cut off.
        _slack = SlackStandIn.Start(TimeSpan.FromMilliseconds(400));
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        var lead = new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, SlackUserId = "ULEAD", SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow };
        db.People.Add(lead);
        db.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = LeadChannel, TenantId = "T1", UserId = "ULEAD", PersonId = lead.Id, UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
        _leadId = lead.Id;

        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Count; i++)
        {
            var channel = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = Channel(i), TenantId = "T1", UpdatedAt = now };
            db.ConversationReferences.Add(channel);
            var text = $"fan-out message {i}";
            await db.EnqueueAsync($"fan:{i}", "test.fan-out", new Card(new CardHeader("Fan-out"), [new TextElement(text)], text), channel, now);
        }

        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _slack.Stop();
        _slack.Dispose();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task A_killed_instance_loses_nothing_and_sends_nothing_twice_a_cut_off_send_is_reported_to_the_leads_not_resent()
    {
        var (cutOff, rows) = await KillMidFanOutAndRestartAsync(resendAfterCrash: false);

        var received = Received();
        var twice = rows.Where(r => received.GetValueOrDefault(Channel(r)) > 1).Select(r => $"{Channel(r)}: attempts {r.Attempts}, sent {r.SentAt:O}, dead {r.DeadLetteredAt:O}, cut off {cutOff.Contains(r.Id)}, error {r.LastError}");
        Assert.True(received.Values.All(v => v == 1), "Sent twice: " + string.Join("; ", twice)); // nothing twice
        var sent = rows.Where(r => r.SentAt is not null).ToList();
        var dead = rows.Where(r => r.DeadLetteredAt is not null).ToList();
        Assert.Equal(Count, sent.Count + dead.Count); // nothing pending, nothing both
        Assert.All(sent, r => Assert.Equal(1, received.GetValueOrDefault(Channel(r)))); // recorded as sent: arrived
        Assert.Equal(cutOff.Order(), dead.Select(r => r.Id).Order()); // dead-lettered: exactly the sends the kill cut off
        Assert.All(dead, r => Assert.Contains("stopped while sending", r.LastError, StringComparison.Ordinal));
        var deadArrived = dead.Count(r => received.ContainsKey(Channel(r)));
        Assert.Equal(sent.Count + deadArrived, received.Values.Sum());

        // Each uncertain message is reported to the lead, once.
        await using var db = _store.NewContext();
        var alerts = await db.Outbox.AsNoTracking().Where(o => o.Kind == OutboxDispatcher.DeadLetterAlertKind).ToListAsync();
        Assert.Equal(dead.Select(r => $"outbox-dead:{r.Id:N}:{_leadId:N}").Order(), alerts.Select(a => a.IdempotencyKey[..a.IdempotencyKey.LastIndexOf(':')]).Order());
        Assert.All(alerts, a => Assert.NotNull(a.SentAt));
        Assert.Equal(dead.Count, SlackStandIn.PostedTo(_slack, LeadChannel).Count);
        output.WriteLine($"at most once: {Count} rows, {sent.Count} sent, {dead.Count} cut off by the kill ({deadArrived} of them had arrived), {dead.Count} alerts");
    }

    [Fact]
    public async Task With_resend_after_crash_a_killed_instance_delivers_every_message_and_only_cut_off_sends_may_arrive_twice()
    {
        var (cutOff, rows) = await KillMidFanOutAndRestartAsync(resendAfterCrash: true);

        var received = Received();
        Assert.All(rows, r => Assert.NotNull(r.SentAt));
        Assert.All(rows, r => Assert.InRange(received.GetValueOrDefault(Channel(r)), 1, cutOff.Contains(r.Id) ? 2 : 1));
        await using var db = _store.NewContext();
        Assert.False(await db.Outbox.AnyAsync(o => o.Kind == OutboxDispatcher.DeadLetterAlertKind));
        output.WriteLine($"at least once: {Count} rows, {cutOff.Count} cut off by the kill, {received.Values.Count(v => v == 2)} of them received twice");
    }

    /// <summary>
    /// Runs the bot until about a third of the messages have arrived, kills it, notes the rows it left "sending", then
    /// runs a second bot on the same database until nothing is pending (at most 60 s). Returns the cut-off rows' ids and the fan-out's rows.
    /// </summary>
    private async Task<(HashSet<Guid> CutOff, List<OutboxMessage> Rows)> KillMidFanOutAndRestartAsync(bool resendAfterCrash)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = _store.ConnectionString,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = "test-signing-secret",
            ["Slack__TeamId"] = "T1",
            ["Slack__AppId"] = "A1",
            ["Slack__ApiBaseUrl"] = SlackStandIn.ApiBaseUrl(_slack),
            // A claim cut off by the kill runs out in seconds, not minutes. The send timeout stays well above the stand-in's
            // 400 ms even on a busy machine: a send that times out after arriving is retried (see the README), a duplicate.
            ["Outbox__ClaimDuration"] = "00:00:10",
            ["Outbox__SendTimeout"] = "00:00:05",
            ["Outbox__ResendAfterCrash"] = resendAfterCrash ? "true" : "false",
            // Five per second to one workspace: the fan-out takes about 18 s, long enough to be cut in the middle.
            ["Outbox__SlackWorkspacePerMinute"] = "300",
            ["Jobs__WorkerCount"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        HashSet<Guid> cutOff;
        using (var first = await BotServer.StartAsync(environment))
        {
            await OutboxWait.UntilAsync(() => Task.FromResult(FanOutReceived() >= Count / 3), "a third of the fan-out has arrived", TimeSpan.FromSeconds(45));
            first.Kill();
            Assert.InRange(FanOutReceived(), Count / 3, Count - 1); // killed in the middle
            await using var db = _store.NewContext();
            cutOff = [.. await db.Outbox.AsNoTracking().Where(o => o.Kind == "test.fan-out" && o.SentAt == null && o.ClaimedBy!.EndsWith(OutboxDispatcher.SendingSuffix)).Select(o => o.Id).ToListAsync()];
            Assert.NotEmpty(cutOff); // the kill did cut sends off, or this test would prove nothing
        }

        using (var second = await BotServer.StartAsync(environment))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (await PendingAsync() is var pending && pending > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{pending} message(s) still pending 60 s after the restart; the second bot's log:\n{second.Output}");
                await Task.Delay(100);
            }

            await Task.Delay(500); // a send not recorded yet (there should be none) would show up now
        }

        await using (var db = _store.NewContext())
        {
            return (cutOff, await db.Outbox.AsNoTracking().Where(o => o.Kind == "test.fan-out").ToListAsync());
        }
    }

    private async Task<int> PendingAsync()
    {
        await using var db = _store.NewContext();
        return await db.Outbox.CountAsync(o => o.SentAt == null && o.DeadLetteredAt == null);
    }

    private int FanOutReceived() => SlackStandIn.Posts(_slack).Count(p => p.Channel.StartsWith("C-FAN-", StringComparison.Ordinal));

    /// <summary>How many posts each fan-out channel received (channels that received none are absent).</summary>
    private Dictionary<string, int> Received() =>
        SlackStandIn.Posts(_slack).Where(p => p.Channel.StartsWith("C-FAN-", StringComparison.Ordinal))
            .GroupBy(p => p.Channel).ToDictionary(g => g.Key, g => g.Count());

    private static string Channel(int i) => string.Create(CultureInfo.InvariantCulture, $"C-FAN-{i:D3}");

    private static string Channel(OutboxMessage row) => Channel(int.Parse(row.IdempotencyKey["fan:".Length..], CultureInfo.InvariantCulture));
}
