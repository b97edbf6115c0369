using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Outbox;

[Collection(AppCollection.Name)]
public sealed class SqliteAcknowledgeThenDeliverTests : AcknowledgeThenDeliverTests<SqliteTestStore>;

[Collection(AppCollection.Name)]
public sealed class PostgresAcknowledgeThenDeliverTests : AcknowledgeThenDeliverTests<PostgresTestStore>;

/// <summary>
/// A Teams message or Slack event is acknowledged as soon as its reply is stored in the outbox; the reply goes out
/// from there at the platform's pace, in order per conversation, once, even when the instance that acknowledged it
/// stops before sending or the platform refuses the first try.
/// </summary>
public abstract class AcknowledgeThenDeliverTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private readonly TStore _store = new();
    private const string Conversation = "a:conv-ack";
    private const string SlackSecret = "test-signing-secret";
    private readonly BotFrameworkFakes _teams = new();
    private WireMockServer _slack = null!;
    private int _ids;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"D-ACK","ts":"1700000000.000100","messages":[],"user":{"id":"U1","team_id":"T1","is_bot":false,"deleted":false,"profile":{"email":"nobody@example.com"}}}"""));
    }

    public async Task DisposeAsync()
    {
        _teams.Dispose();
        _slack.Stop();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Messages_are_acknowledged_before_their_replies_are_sent_and_the_next_instance_sends_each_once_in_order()
    {
        // The first instance decides and acknowledges, but sends nothing (its dispatcher is off), then stops.
        var questions = new[] { "help", "is soc2 a certification?", "what is cc6.1", "my tasks", "what is annex a" };
        var ids = new List<string>();
        await using (var first = Start(dispatching: false))
        {
            using var client = first.CreateClient();
            foreach (var question in questions)
            {
                var activity = Message(question);
                ids.Add((string)activity["id"]!);
                Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, activity)).StatusCode);
            }

            Assert.Empty(Replies());
            await using var scope = first.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            Assert.Equal(questions.Length, await db.Outbox.CountAsync(o => o.Kind == OutboxQueue.ReplyKind && o.SentAt == null));
        }

        // The next instance on the same store delivers them: each once, in the order they were asked.
        await using var second = Start(dispatching: true);
        await OutboxWait.DrainedAsync(second.Services);
        var replies = Replies();
        Assert.Equal(ids.Select(id => $"/connector/v3/conversations/{Conversation}/activities/{id}"), replies.Select(r => r.RequestMessage.Path));
        Assert.Contains("CC6.1", replies[2].RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_refused_with_429_is_sent_again_after_Retry_After_and_arrives_once()
    {
        _teams.Server.Given(Request.Create().WithPath($"/connector/v3/conversations/{Conversation}/activities/*").UsingPost())
            .InScenario("throttled").WillSetStateTo("served")
            .AtPriority(-1) // before the fake's catch-all answer (priority 0)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"));
        await using var app = Start(dispatching: true);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, Message("what is cc6.1"))).StatusCode);
        await OutboxWait.DrainedAsync(app.Services);

        var calls = Replies();
        Assert.Equal([429, 200], calls.Select(c => (int)c.ResponseMessage.StatusCode!));
        Assert.Contains("CC6.1", calls[1].RequestMessage.Body, StringComparison.Ordinal);
        await using var scope = app.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().Outbox.SingleAsync(o => o.Kind == OutboxQueue.ReplyKind);
        Assert.NotNull(row.SentAt);
    }

    [Fact]
    public async Task A_Slack_direct_message_is_answered_from_the_outbox_once_even_when_Slack_delivers_the_event_twice()
    {
        await using var app = Start(dispatching: true);
        using var client = app.CreateClient();
        var envelope = DirectMessage("Ev-ack-1", "D-ACK", "U1");

        Assert.Equal(HttpStatusCode.OK, (await SlackPostAsync(client, envelope)).StatusCode);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Acknowledged means decided: the reply is already stored, so a crash from here on cannot lose it.
            Assert.True(await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().Outbox.AnyAsync(o => o.Kind == OutboxQueue.ReplyKind && o.Platform == Platform.Slack));
        }

        Assert.Equal(HttpStatusCode.OK, (await SlackPostAsync(client, envelope)).StatusCode);
        await OutboxWait.DrainedAsync(app.Services);

        var posted = Assert.Single(_slack.LogEntries, e => e.RequestMessage.Path == "/api/chat.postMessage");
        var body = JsonNode.Parse(posted.RequestMessage.Body!)!;
        Assert.Equal("D-ACK", (string?)body["channel"]);
        Assert.Contains("CC6.1", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("chatcompliance_outbox", (string?)body["metadata"]?["event_type"]); // found again in the history after a crash
    }

    [Fact]
    public async Task A_Slack_event_that_cannot_be_decided_gets_503_changes_nothing_and_is_answered_once_when_Slack_sends_it_again()
    {
        // Slack falters for a moment: who sent the message cannot be confirmed, and even the polite "try again" cannot be posted.
        foreach (var method in (string[])["users.info", "chat.postMessage"])
        {
            _slack.Given(Request.Create().WithPath($"/api/{method}").UsingAnyMethod())
                .InScenario(method).WillSetStateTo("answering")
                .AtPriority(-1)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":false,"error":"fatal_error"}"""));
        }

        await using var app = Start(dispatching: true);
        using var client = app.CreateClient();
        var envelope = DirectMessage("Ev-undecided-1", "D-UNDECIDED", "U-UNDECIDED");

        var refused = await SlackPostAsync(client, envelope);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            Assert.False(await db.Outbox.AnyAsync(o => o.Platform == Platform.Slack));
            Assert.False(await db.ConversationReferences.AnyAsync(r => r.ConversationId == "D-UNDECIDED"));
        }

        // Slack delivers the event again with the same id; this time it is decided, acknowledged and answered once.
        Assert.Equal(HttpStatusCode.OK, (await SlackPostAsync(client, envelope)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SlackPostAsync(client, envelope)).StatusCode);
        await OutboxWait.DrainedAsync(app.Services);

        var answers = _slack.LogEntries.Where(e => e.RequestMessage.Path == "/api/chat.postMessage" && e.ResponseMessage.BodyData?.BodyAsString?.Contains("\"ok\":true", StringComparison.Ordinal) == true).ToList();
        var answer = Assert.Single(answers);
        Assert.Equal("D-UNDECIDED", (string?)JsonNode.Parse(answer.RequestMessage.Body!)!["channel"]);
        Assert.Contains("CC6.1", answer.RequestMessage.Body, StringComparison.Ordinal);
    }

    private ComplianceApp Start(bool dispatching)
    {
        var settings = _teams.Settings();
        _store.UseIn(settings);
        settings["Outbox:Enabled"] = dispatching ? "true" : "false";
        settings["SLACK_BOT_TOKEN"] = "test-bot-token";
        settings["SLACK_SIGNING_SECRET"] = SlackSecret;
        settings["Slack:ApiBaseUrl"] = $"{LoopbackWireMock.Url(_slack)}/api/";
        settings["Slack:TeamId"] = "T1";
        settings["Slack:AppId"] = "A1";
        return new ComplianceApp(settings);
    }

    /// <summary>The bot's replies to activities in the conversation, in the order they reached the connector.</summary>
    private List<WireMock.Logging.ILogEntry> Replies() =>
    [
        .. _teams.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path.StartsWith($"/connector/v3/conversations/{Conversation}/activities/", StringComparison.Ordinal))
            .OrderBy(c => c.RequestMessage.DateTime),
    ];

    private JsonObject Message(string text) => new()
    {
        ["type"] = "message",
        ["id"] = $"act-{Interlocked.Increment(ref _ids)}",
        ["channelId"] = "msteams",
        ["serviceUrl"] = _teams.ServiceUrl,
        ["text"] = text,
        ["from"] = new JsonObject { ["id"] = "29:asker", ["name"] = "Asker", ["aadObjectId"] = "aad-asker" },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
        ["conversation"] = new JsonObject { ["id"] = Conversation, ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
    };

    private async Task<HttpResponseMessage> PostAsync(HttpClient client, JsonObject activity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _teams.Token());
        return await client.SendAsync(request);
    }

    /// <summary>A signed-ready Events API body: "what is cc6.1" in a direct message.</summary>
    private static string DirectMessage(string eventId, string channel, string user) => new JsonObject
    {
        ["type"] = "event_callback",
        ["team_id"] = "T1",
        ["api_app_id"] = "A1",
        ["event_id"] = eventId,
        ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = channel, ["user"] = user, ["text"] = "what is cc6.1", ["ts"] = "1700000000.000001" },
    }.ToJsonString();

    private static async Task<HttpResponseMessage> SlackPostAsync(HttpClient client, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", "v0=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(SlackSecret), Encoding.UTF8.GetBytes($"v0:{ts}:{body}"))));
        return await client.SendAsync(request);
    }
}
