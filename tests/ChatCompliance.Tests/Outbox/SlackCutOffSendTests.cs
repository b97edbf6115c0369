using ChatCompliance.Core.Outbox;
using System.Net.Http.Json;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Outbox;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using ChatCompliance.Tests.Reliability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Outbox;

/// <summary>
/// Slack sends cut off by a crash (rows left "sending" by an instance that is gone) in the running app: the channel's
/// history says whether the message arrived (every message carries its outbox key in its metadata), so it is sent
/// exactly once and nobody is alerted.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SlackCutOffSendTests : IAsyncLifetime
{
    private const string Channel = "C-OWNER";
    private const string LeadChannel = "D-LEAD";

    private readonly SlackWorkspaceStandIn _slack = new(TimeSpan.FromMilliseconds(20));
    private readonly string _data = Directory.CreateTempSubdirectory("cc-slack-cutoff-").FullName;
    private ComplianceApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = "test-signing-secret",
            ["Slack:ApiBaseUrl"] = _slack.ApiBaseUrl,
            ["Outbox:IncidentQuietPeriod"] = "00:00:00.200",
        });
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var lead = new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.ComplianceLead, SlackUserId = "ULEAD", SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow };
        db.People.Add(lead);
        db.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = LeadChannel, TenantId = "T1", PersonId = lead.Id, UpdatedAt = DateTimeOffset.UtcNow });
        db.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = Channel, TenantId = "T1", UpdatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _slack.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_cut_off_send_that_had_arrived_is_found_by_its_key_recorded_as_sent_and_not_posted_again()
    {
        using (var http = new HttpClient())
        {
            // What the dead instance's request did before it died: the message is in the channel, with its key.
            var posted = await http.PostAsJsonAsync(new Uri(_slack.ApiBaseUrl + "chat.postMessage"),
                new { channel = Channel, text = "cut-off review", metadata = new { event_type = "chatcompliance_outbox", event_payload = new { key = "review-1" } } });
            posted.EnsureSuccessStatusCode();
        }

        await CutOffAsync("review-1", "review.request");
        await OutboxWait.DrainedAsync(_app.Services);
        await Task.Delay(500); // an alert or a second post would show up now

        var post = Assert.Single(_slack.Posts);
        var row = await RowAsync("review-1");
        Assert.Equal((true, post.Ts, (DateTimeOffset?)null, (DateTimeOffset?)null), (row.SentAt is not null, row.SentMessageId, row.InDoubtAt, row.DeadLetteredAt));
        Assert.Contains("found in the channel's history", row.LastError, StringComparison.Ordinal);
        Assert.True(_slack.HistoryCalls >= 1);
    }

    [Fact]
    public async Task A_cut_off_send_that_never_arrived_is_posted_once_carrying_its_key_and_nobody_is_alerted()
    {
        await CutOffAsync("review-2", "review.request");
        await OutboxWait.DrainedAsync(_app.Services);
        await Task.Delay(500);

        var post = Assert.Single(_slack.Posts);
        Assert.Equal((Channel, "review-2"), (post.Channel, post.Key));
        var row = await RowAsync("review-2");
        Assert.Equal((true, post.Ts, (DateTimeOffset?)null), (row.SentAt is not null, row.SentMessageId, row.InDoubtAt));
        Assert.DoesNotContain(_slack.Posts, p => p.Channel == LeadChannel);
    }

    private async Task CutOffAsync(string key, string kind)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var conversation = await db.ConversationReferences.SingleAsync(c => c.ConversationId == Channel);
        var now = DateTimeOffset.UtcNow;
        db.Outbox.Add(new OutboxMessage
        {
            IdempotencyKey = key,
            Kind = kind,
            Platform = Platform.Slack,
            ConversationReferenceId = conversation.Id,
            Payload = CardJson.Serialize(new Card(new CardHeader("Cut off"), [new TextElement("cut-off review")], "cut-off review")),
            CreatedAt = now.AddSeconds(-5),
            NextAttemptAt = now.AddSeconds(-5),
            ClaimedBy = "gone-host-1-deadbeef:0123" + OutboxDispatcher.SendingSuffix,
            ClaimedUntil = now.AddSeconds(-1),
            SendStartedAt = now.AddSeconds(-3),
        });
        await db.SaveChangesAsync();
        _app.Services.GetRequiredService<OutboxSignal>().Nudge();
    }

    private async Task<OutboxMessage> RowAsync(string key)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().Outbox.AsNoTracking().SingleAsync(o => o.IdempotencyKey == key);
    }
}
