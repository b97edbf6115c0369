using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Slack;

/// <summary>
/// Correctly signed Slack requests that are still not acceptable: from another workspace or app (403), or malformed
/// after the signature (400). Each is refused with a reason and leaves the store and Slack untouched.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SlackHostileRequestTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private readonly string _data = Directory.CreateTempSubdirectory("cc-slack-hostile-").FullName;
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"D123","ts":"1700000000.000100","user":{"id":"U1","team_id":"T1","is_bot":false,"deleted":false,"profile":{"email":"ada@example.com"}}}"""));
        _app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = Secret,
            ["Slack:TeamId"] = "T1",
            ["Slack:AppId"] = "A1",
            ["Slack:ApiBaseUrl"] = $"{_slack.Urls[0]}/api/",
        });
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string, string> Foreign => new()
    {
        { "event from another workspace", "/slack/events", Event(team: "T666") },
        { "event for another app", "/slack/events", Event(app: "A666") },
        { "event naming no app", "/slack/events", """{"type":"event_callback","team_id":"T1","event_id":"Ev9","event":{"type":"app_mention","user":"U1","channel":"C1","text":"hi"}}""" },
        { "command from another workspace", "/slack/commands", Command(team: "T666") },
        { "command for another app", "/slack/commands", Command(app: "A666") },
        { "click from another workspace", "/slack/interactivity", Interaction(BlockAction(team: "T666")) },
        { "click for another app", "/slack/interactivity", Interaction(BlockAction(app: "A666")) },
        { "modal from another workspace", "/slack/interactivity", Interaction(ViewSubmission(team: "T666")) },
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public async Task A_signed_request_from_another_workspace_or_app_is_forbidden_and_changes_nothing(string why, string path, string body)
    {
        var response = await PostAsync(path, body);

        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{why}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingChangedAsync();
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "events: not JSON", "/slack/events", "{\"type\":" },
        { "events: a JSON array", "/slack/events", "[1,2]" },
        { "events: type is a number", "/slack/events", """{"type":5}""" },
        { "events: no type", "/slack/events", """{"team_id":"T1","api_app_id":"A1"}""" },
        { "events: event is a string", "/slack/events", """{"type":"event_callback","team_id":"T1","api_app_id":"A1","event_id":"Ev1","event":"message"}""" },
        { "events: no event id", "/slack/events", """{"type":"event_callback","team_id":"T1","api_app_id":"A1","event":{"type":"message","user":"U1","channel":"D1","channel_type":"im","text":"hi"}}""" },
        { "events: user is an object", "/slack/events", Event(userJson: """{"id":"U1"}""") },
        { "events: text is a number", "/slack/events", Event(textJson: "42") },
        { "events: lone surrogate", "/slack/events", Event(textJson: "\"\\ud800 what\"") },
        { "events: channel is not an id", "/slack/events", Event(channelJson: "\"D1\\u0000\"") },
        { "events: thread_ts is a number", "/slack/events", Event().Replace("\"ts\":\"1.2\"", "\"ts\":\"1.2\",\"thread_ts\":1.1", StringComparison.Ordinal) },
        { "commands: no user_id", "/slack/commands", "command=%2Fcompliance&text=help&channel_id=D123&team_id=T1&api_app_id=A1" },
        { "commands: user_id twice", "/slack/commands", Command() + "&user_id=U2" },
        { "commands: bad percent-encoding", "/slack/commands", "command=%2Fcompliance&text=help%zz&user_id=U1&channel_id=D123&team_id=T1&api_app_id=A1" },
        { "commands: not UTF-8", "/slack/commands", "command=%2Fcompliance&text=%ff%fe&user_id=U1&channel_id=D123&team_id=T1&api_app_id=A1" },
        { "commands: user_id not an id", "/slack/commands", "command=%2Fcompliance&text=help&user_id=U1%00&channel_id=D123&team_id=T1&api_app_id=A1" },
        { "interactivity: no payload", "/slack/interactivity", "foo=bar" },
        { "interactivity: payload not JSON", "/slack/interactivity", "payload=" + Uri.EscapeDataString("{\"type\":\"block_actions\",") },
        { "interactivity: payload twice", "/slack/interactivity", Interaction(BlockAction()) + "&payload=%7B%7D" },
        { "block_actions: actions is an object", "/slack/interactivity", Interaction(BlockAction(mutate: p => p["actions"] = new JsonObject())) },
        { "block_actions: no actions", "/slack/interactivity", Interaction(BlockAction(mutate: p => p.Remove("actions"))) },
        { "block_actions: action_id is a number", "/slack/interactivity", Interaction(BlockAction(mutate: p => p["actions"]![0]!["action_id"] = 7)) },
        { "block_actions: no user", "/slack/interactivity", Interaction(BlockAction(mutate: p => p.Remove("user"))) },
        { "block_actions: user is a string", "/slack/interactivity", Interaction(BlockAction(mutate: p => p["user"] = "U1")) },
        { "block_actions: user's workspace is not an id", "/slack/interactivity", Interaction(BlockAction(mutate: p => p["user"]!["team_id"] = "T1 OR 1=1")) },
        { "block_actions: no channel", "/slack/interactivity", Interaction(BlockAction(mutate: p => p.Remove("channel"))) },
        { "block_actions: input value is a number", "/slack/interactivity", Interaction(BlockAction(mutate: p => p["state"] = new JsonObject { ["values"] = new JsonObject { ["answer"] = new JsonObject { ["answer"] = new JsonObject { ["value"] = 3 } } } })) },
        { "block_actions: is_ephemeral is a string", "/slack/interactivity", Interaction(BlockAction(mutate: p => p["container"] = new JsonObject { ["is_ephemeral"] = "yes" })) },
        { "view_submission: no view", "/slack/interactivity", Interaction(ViewSubmission(mutate: p => p.Remove("view"))) },
        { "view_submission: callback_id is an array", "/slack/interactivity", Interaction(ViewSubmission(mutate: p => p["view"]!["callback_id"] = new JsonArray())) },
        { "view_submission: blocks hold a string", "/slack/interactivity", Interaction(ViewSubmission(mutate: p => p["view"]!["blocks"] = new JsonArray("input"))) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_signed_but_malformed_request_gets_400_with_a_reason_and_changes_nothing(string why, string path, string body)
    {
        var response = await PostAsync(path, body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), why);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_question_holding_a_NUL_gets_a_polite_reply_and_changes_nothing()
    {
        var response = await PostAsync("/slack/commands", Command().Replace("ask+what+is+cc6.1", "ask+what%00is+cc6.1", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("can't use that", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_command_from_the_configured_workspace_and_app_is_answered()
    {
        var response = await PostAsync("/slack/commands", Command());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ephemeral", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response_type"]!.GetValue<string>());
    }

    private static string Event(string team = "T1", string app = "A1", string userJson = "\"U1\"", string textJson = "\"what is cc6.1\"", string channelJson = "\"D123\"") =>
        $$$"""{"type":"event_callback","team_id":"{{{team}}}","api_app_id":"{{{app}}}","event_id":"Ev{{{Guid.NewGuid():N}}}","event":{"type":"message","channel_type":"im","channel":{{{channelJson}}},"user":{{{userJson}}},"text":{{{textJson}}},"ts":"1.2"}}""";

    private static string Command(string team = "T1", string app = "A1") =>
        $"command=%2Fcompliance&text=ask+what+is+cc6.1&user_id=U1&channel_id=D123&team_id={team}&api_app_id={app}&response_url=x";

    private static JsonObject BlockAction(string team = "T1", string app = "A1", Action<JsonObject>? mutate = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["api_app_id"] = app,
            ["user"] = new JsonObject { ["id"] = "U1", ["name"] = "ada" },
            ["team"] = new JsonObject { ["id"] = team },
            ["channel"] = new JsonObject { ["id"] = "D123" },
            ["message"] = new JsonObject { ["ts"] = "1700000000.000100" },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "help", ["value"] = "{}" }),
        };
        mutate?.Invoke(payload);
        return payload;
    }

    private static JsonObject ViewSubmission(string team = "T1", string app = "A1", Action<JsonObject>? mutate = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["api_app_id"] = app,
            ["user"] = new JsonObject { ["id"] = "U1" },
            ["team"] = new JsonObject { ["id"] = team },
            ["view"] = new JsonObject
            {
                ["callback_id"] = "qa.answer",
                ["private_metadata"] = new JsonObject { ["question"] = Guid.NewGuid().ToString() }.ToJsonString(),
                ["blocks"] = new JsonArray(new JsonObject { ["type"] = "input", ["block_id"] = "answer" }),
                ["state"] = new JsonObject { ["values"] = new JsonObject { ["answer"] = new JsonObject { ["answer"] = new JsonObject { ["value"] = "The 25th." } } } },
            },
        };
        mutate?.Invoke(payload);
        return payload;
    }

    private static string Interaction(JsonObject payload) => "payload=" + Uri.EscapeDataString(payload.ToJsonString());

    private async Task AssertNothingChangedAsync()
    {
        await Task.Delay(300); // anything wrongly queued in the background would have started by now
        await using var db = Db();
        Assert.Empty(await db.ConversationReferences.ToListAsync());
        Assert.Empty(await db.Questions.ToListAsync());
        Assert.Empty(await db.People.ToListAsync());
        Assert.Empty(_slack.LogEntries);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body)
    {
        var form = path != "/slack/events";
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(form ? "application/x-www-form-urlencoded" : "application/json");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, bytes));
        return await _client.SendAsync(request);
    }

    private ComplianceDbContext Db() => _app.Services.CreateScope().ServiceProvider.GetRequiredService<ComplianceDbContext>();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
