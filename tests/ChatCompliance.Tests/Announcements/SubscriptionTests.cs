using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Jobs.Announcements;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Announcements;

/// <summary>
/// A compliance lead points the digest and audit announcements at a Slack channel by mentioning the bot there, books
/// an audit in chat, and the jobs post into that channel (WireMock as the Web API, the app on its SQLite default).
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SubscriptionTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private const string Channel = "CCOMPLIANCE";

    private readonly string _data = Directory.CreateTempSubdirectory("cc-subscriptions-").FullName;
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;
    private int _events;

    public async Task InitializeAsync()
    {
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"C1","ts":"1700000000.000100"}"""));
        _app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = Secret,
            ["Slack:ApiBaseUrl"] = $"http://127.0.0.1:{_slack.Port}/api/",
        });
        _client = _app.CreateClient();
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        db.People.AddRange(
            new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, SlackUserId = "ULEE", SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow },
            new Person { Email = "olivia@example.com", DisplayName = "Olivia", SlackUserId = "UOLIVIA", SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_lead_subscribes_a_channel_and_the_digest_and_audit_countdown_are_posted_there_once()
    {
        Assert.Equal("Only a compliance lead can choose where digests and audit announcements go.", await MentionAsync("UOLIVIA", "subscribe digests"));
        Assert.Equal("Done: this conversation will get the weekly digest. Type *unsubscribe digests* to stop.", await MentionAsync("ULEE", "subscribe digests"));
        Assert.Equal("This conversation already gets the weekly digest.", await MentionAsync("ULEE", "subscribe digests"));
        Assert.StartsWith("Done: this conversation will get audit announcements.", await MentionAsync("ULEE", "subscribe audits"), StringComparison.Ordinal);

        var date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
        Assert.StartsWith("Only a compliance lead", await MentionAsync("UOLIVIA", $"audit add soc2-type1 {date:yyyy-MM-dd} SOC 2 Type 1"), StringComparison.Ordinal);
        Assert.StartsWith("a SOC 2 Type 2 audit needs its observation period", await MentionAsync("ULEE", $"audit add soc2-type2 {date:yyyy-MM-dd} SOC 2 Type 2"), StringComparison.Ordinal);
        Assert.StartsWith($"Booked *SOC 2 Type 1 readiness* on {date:yyyy-MM-dd}", await MentionAsync("ULEE", $"audit add soc2-type1 {date:yyyy-MM-dd} SOC 2 Type 1 readiness"), StringComparison.Ordinal);

        for (var run = 0; run < 2; run++)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<WeeklyDigestJob>().RunAsync(CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<AuditAnnouncementJob>().RunAsync(CancellationToken.None);
        }

        await OutboxWait.DrainedAsync(_app.Services);
        var posted = Posts().Select(p => (string?)p["text"] ?? "").ToList();
        Assert.Single(posted, t => t.StartsWith("Weekly digest:", StringComparison.Ordinal));
        Assert.Single(posted, t => t.StartsWith("SOC 2 Type 1 readiness starts in 30 days", StringComparison.Ordinal));

        Assert.Equal("Done: no more the weekly digest here.", await MentionAsync("ULEE", "unsubscribe digests"));
        await using var check = _app.Services.CreateAsyncScope();
        var subscriptions = await check.ServiceProvider.GetRequiredService<ComplianceDbContext>().ChannelSubscriptions.Include(s => s.Conversation).ToListAsync();
        var audits = Assert.Single(subscriptions);
        Assert.Equal((SubscriptionTopic.Audits, Channel, ConversationScope.Channel), (audits.Topic, audits.Conversation!.ConversationId, audits.Conversation.Scope));
    }

    [Fact]
    public async Task Subscribing_unsubscribing_and_booking_an_audit_in_chat_each_leave_one_entry_with_the_lead_and_platform()
    {
        await MentionAsync("ULEE", "subscribe audits");
        await MentionAsync("ULEE", "subscribe audits");
        await MentionAsync("ULEE", "unsubscribe audits");
        var date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(40);
        await MentionAsync("ULEE", $"audit add iso27001-stage1 {date:yyyy-MM-dd} ISO stage 1");
        await MentionAsync("UOLIVIA", "subscribe digests");

        await using var scope = _app.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();

        Assert.Equal(["subscription.created", "subscription.deleted", "calendar.audit_added"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(("lee@example.com", Platform.Slack), (e.Actor, e.Platform)));
        Assert.Equal((entries[0].SubjectId, (string?)null, entries[0].After), (entries[1].SubjectId, entries[0].Before, entries[1].Before));
        Assert.Contains($"\"conversationId\":\"{Channel}\"", entries[0].After!, StringComparison.Ordinal);
        Assert.Null(entries[1].After);
        Assert.Contains($"\"startsOn\":\"{date:yyyy-MM-dd}\"", entries[2].After!, StringComparison.Ordinal);
    }

    /// <summary>Mentions the bot in the channel; returns the text of its reply there.</summary>
    private async Task<string> MentionAsync(string user, string text)
    {
        var before = Posts().Count;
        var envelope = new JsonObject
        {
            ["type"] = "event_callback",
            ["team_id"] = "T1",
            ["event_id"] = $"Ev{Interlocked.Increment(ref _events)}",
            ["event"] = new JsonObject { ["type"] = "app_mention", ["channel"] = Channel, ["user"] = user, ["text"] = $"<@UBOT> {text}", ["ts"] = $"1.{_events}" },
        };
        var body = envelope.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(body)));
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(request)).StatusCode);
        await OutboxWait.UntilAsync(() => Task.FromResult(Posts().Count > before), "the bot answered in the channel");
        return (string?)Posts()[before]["text"] ?? "";
    }

    private List<JsonObject> Posts() =>
    [
        .. _slack.LogEntries.Where(e => e.RequestMessage.Path == "/api/chat.postMessage")
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!.AsObject())
            .Where(b => (string?)b["channel"] == Channel),
    ];
}
