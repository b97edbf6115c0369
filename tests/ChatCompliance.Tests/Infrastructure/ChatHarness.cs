using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>A person in Teams: their email, Teams user id, Entra object id and personal conversation with the bot.</summary>
public sealed record TeamsPerson(string Email, string TeamsId, string Aad, string Conversation);

/// <summary>A person in Slack: their email, user id and direct-message channel with the bot.</summary>
public sealed record SlackPerson(string Email, string Id, string Channel);

/// <summary>
/// The whole app over HTTP on a test store, with WireMock as the Bot Framework (connector, keys) and as the Slack Web
/// API: messages and clicks go in as a Teams client and Slack send them (signed), and what the bot said is read back
/// from the fakes.
/// </summary>
public sealed class ChatHarness : IAsyncDisposable
{
    public const string SlackSecret = "test-signing-secret";
    public const string SlackTs = "1700000000.000100";

    private readonly ITestStore _store;
    private readonly BotFrameworkFakes _teams = new();
    private readonly WireMockServer _slack;
    private int _ids;

    private ChatHarness(ITestStore store, IReadOnlyDictionary<string, string?>? extraSettings)
    {
        _store = store;
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"ok":true,"message_ts":"1700000000.000200","channel":"D1","ts":"{{SlackTs}}"}"""));
        _slack.Given(Request.Create().WithPath("/api/conversations.open").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":{"id":"D1"}}"""));
        var settings = _teams.Settings();
        settings["SLACK_BOT_TOKEN"] = "test-bot-token";
        settings["SLACK_SIGNING_SECRET"] = SlackSecret;
        settings["Slack:TeamId"] = "T1";
        settings["Slack:ApiBaseUrl"] = $"http://127.0.0.1:{_slack.Port}/api/";
        if (store is PostgresTestStore postgres)
        {
            settings["ConnectionStrings:Postgres"] = postgres.ConnectionString;
        }
        else
        {
            settings["Storage:DataDirectory"] = Path.GetDirectoryName(new SqliteConnectionStringBuilder(((SqliteTestStore)store).ConnectionString).DataSource);
            settings["Storage:SqliteFileName"] = "test.db";
        }

        settings["Teams:ServiceUrl"] = _teams.ServiceUrl; // where chats opened by installing the app are sent
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        App = new ComplianceApp(settings);
        Client = App.CreateClient();
    }

    public ComplianceApp App { get; }

    public HttpClient Client { get; }

    /// <summary>Starts the app on the store (initialised here, disposed with the harness), with any further settings.</summary>
    public static async Task<ChatHarness> StartAsync(ITestStore store, IReadOnlyDictionary<string, string?>? settings = null)
    {
        await store.InitializeAsync();
        return new ChatHarness(store, settings);
    }

    /// <summary>A fresh context on the app's store.</summary>
    public ComplianceDbContext Db() => App.Services.CreateScope().ServiceProvider.GetRequiredService<ComplianceDbContext>();

    /// <summary>Sends a Teams message; returns the HTTP status and the bot's reply activity (null when it sent none), or the problem when refused.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Reply)> TeamsSayAsync(TeamsPerson user, string text) =>
        await TeamsSayRawAsync(user, JsonValue.Create(text)!.ToJsonString());

    /// <summary>Sends a Teams message whose <c>text</c> is the given JSON literal as is (escapes such as <c>\ud800</c> reach the server unchanged).</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Reply)> TeamsSayRawAsync(TeamsPerson user, string textJson)
    {
        var activity = TeamsActivity("message", user);
        activity["text"] = "@@text@@";
        var body = activity.ToJsonString().Replace("\"@@text@@\"", textJson, StringComparison.Ordinal);
        var response = await TeamsPostAsync(body);
        if (!response.IsSuccessStatusCode)
        {
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }

        await RepliesSentAsync((string)activity["id"]!);
        var path = $"/connector/v3/conversations/{user.Conversation}/activities/{activity["id"]}";
        var reply = _teams.ConnectorCalls().SingleOrDefault(c => c.RequestMessage.Path == path)?.RequestMessage.Body;
        return (response.StatusCode, reply is null ? null : JsonNode.Parse(reply));
    }

    /// <summary>
    /// Clicks an <c>Action.Execute</c> with the card's inputs; returns the HTTP status and the invoke response's <c>value</c>
    /// (or, when refused, the problem). <paramref name="raw"/> may rewrite the activity's JSON text before it is sent.
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonNode? Value)> TeamsClickAsync(TeamsPerson user, JsonObject action, JsonObject? inputs = null, Func<string, string>? raw = null)
    {
        var data = action["data"]!.DeepClone().AsObject();
        foreach (var (key, value) in inputs ?? [])
        {
            data[key] = value?.DeepClone();
        }

        var activity = TeamsActivity("invoke", user);
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = "sent-1";
        activity["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = (string?)action["verb"], ["data"] = data }, ["trigger"] = "manual" };
        var response = await TeamsPostAsync(raw is null ? activity.ToJsonString() : raw(activity.ToJsonString()));
        await RepliesSentAsync((string)activity["id"]!);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : response.IsSuccessStatusCode ? JsonNode.Parse(text)!["value"] : JsonNode.Parse(text));
    }

    /// <summary>Waits (bounded) until the replies the bot queued to the platform message <paramref name="inboundId"/> have left the outbox.</summary>
    public Task RepliesSentAsync(string inboundId) => OutboxWait.RepliesSentAsync(App.Services, inboundId);

    /// <summary>The text of a Teams reply activity (null for a card or no reply).</summary>
    public static string? TextOf(JsonNode? activity) => (string?)activity?["text"];

    /// <summary>The Adaptive Card of a Teams reply activity.</summary>
    public static JsonNode CardOf(JsonNode? activity) => activity?["attachments"]?[0]?["content"] ?? throw new Xunit.Sdk.XunitException($"no card in {activity?.ToJsonString()}");

    /// <summary>Adaptive Cards the bot posted into a Teams conversation on its own (not replies).</summary>
    public List<JsonNode> TeamsPosted(string conversation) =>
    [
        .. _teams.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path == $"/connector/v3/conversations/{conversation}/activities")
            .Select(c => JsonNode.Parse(c.RequestMessage.Body!)!["attachments"]![0]!["content"]!),
    ];

    /// <summary>A direct message to the bot in Slack; returns what the bot posted back into the channel.</summary>
    public async Task<JsonObject> SlackSayAsync(SlackPerson user, string text)
    {
        var before = SlackCalls("chat.postMessage", user.Channel).Count;
        var envelope = new JsonObject
        {
            ["type"] = "event_callback",
            ["team_id"] = "T1",
            ["event_id"] = $"Ev{Interlocked.Increment(ref _ids)}",
            ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = user.Channel, ["user"] = user.Id, ["text"] = text, ["ts"] = "1.2" },
        };
        var response = await SlackPostAsync("/slack/events", envelope.ToJsonString());
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new Xunit.Sdk.XunitException($"Slack event answered {response.StatusCode}");
        }

        return (await WaitForAsync(() => SlackCalls("chat.postMessage", user.Channel), before + 1))[before];
    }

    /// <summary>The <c>/compliance</c> slash command with <paramref name="encodedText"/> already form-encoded; returns the status and the body.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SlackCommandAsync(SlackPerson user, string encodedText)
    {
        var response = await SlackPostAsync("/slack/commands", $"command=%2Fcompliance&text={encodedText}&user_id={user.Id}&channel_id={user.Channel}&team_id=T1", form: true);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Clicks a button of a Slack message in the user's channel with typed inputs (block id = action id = input id).</summary>
    public async Task<HttpStatusCode> SlackClickAsync(SlackPerson user, JsonObject button, params (string Id, string Value)[] inputs)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user.Id },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["channel"] = new JsonObject { ["id"] = user.Channel },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = SlackTs, ["channel_id"] = user.Channel },
            ["message"] = new JsonObject { ["ts"] = SlackTs },
            ["actions"] = new JsonArray(new JsonObject { ["type"] = "button", ["action_id"] = (string?)button["action_id"], ["block_id"] = "b1", ["value"] = (string?)button["value"], ["action_ts"] = "1700000001.000000" }),
            ["state"] = new JsonObject { ["values"] = Inputs(inputs) },
        };
        return (await SlackPostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), form: true)).StatusCode;
    }

    /// <summary>
    /// Submits a modal whose callback id is <paramref name="callbackId"/> and whose data is <paramref name="metadata"/>, with
    /// the inputs; <paramref name="rawPayload"/> may rewrite the payload's JSON text before it is signed.
    /// </summary>
    public async Task<(HttpStatusCode Status, string Body)> SlackSubmitAsync(SlackPerson user, string callbackId, JsonObject metadata, (string Id, string Value)[] inputs, Func<string, string>? rawPayload = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["user"] = new JsonObject { ["id"] = user.Id },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["view"] = new JsonObject
            {
                ["callback_id"] = callbackId,
                ["private_metadata"] = metadata.ToJsonString(),
                ["blocks"] = new JsonArray(),
                ["state"] = new JsonObject { ["values"] = Inputs(inputs) },
            },
        };
        var json = rawPayload is null ? payload.ToJsonString() : rawPayload(payload.ToJsonString());
        var response = await SlackPostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(json), form: true);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The bodies of the Slack Web API calls of one method into one channel, oldest first.</summary>
    public List<JsonObject> SlackCalls(string method, string channel) =>
    [
        .. _slack.LogEntries.Where(e => e.RequestMessage.Path == $"/api/{method}")
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!.AsObject()).Where(b => (string?)b["channel"] == channel),
    ];

    /// <summary>Waits (up to 15 s) until <paramref name="calls"/> has at least <paramref name="count"/> items.</summary>
    public static async Task<List<T>> WaitForAsync<T>(Func<List<T>> calls, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (calls().Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var found = calls();
        Assert.True(found.Count >= count, $"expected {count} calls, saw {found.Count}");
        return found;
    }

    /// <summary>Every object in a card or message, depth first.</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Objects)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Objects),
        _ => [],
    };

    /// <summary>Every string in a card or message, one a line: what the reader sees.</summary>
    public static string Words(JsonNode node) => node switch
    {
        JsonObject o => string.Join('\n', o.Where(p => p.Key is not ("action_id" or "value" or "block_id" or "data" or "verb")).Select(p => p.Value).OfType<JsonNode>().Select(Words)),
        JsonArray a => string.Join('\n', a.OfType<JsonNode>().Select(Words)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        _teams.Dispose();
        await _store.DisposeAsync();
    }

    private static JsonObject Inputs((string Id, string Value)[] inputs)
    {
        var values = new JsonObject();
        foreach (var (id, value) in inputs)
        {
            var isDate = id.EndsWith("date", StringComparison.Ordinal) || id.StartsWith("effective", StringComparison.Ordinal);
            values[id] = new JsonObject
            {
                [id] = isDate
                    ? new JsonObject { ["type"] = "datepicker", ["selected_date"] = value }
                    : new JsonObject { ["type"] = "plain_text_input", ["value"] = value },
            };
        }

        return values;
    }

    private JsonObject TeamsActivity(string type, TeamsPerson user) => new()
    {
        ["type"] = type,
        ["id"] = $"act-{Interlocked.Increment(ref _ids)}",
        ["channelId"] = "msteams",
        ["serviceUrl"] = _teams.ServiceUrl,
        ["from"] = new JsonObject { ["id"] = user.TeamsId, ["name"] = user.Email, ["aadObjectId"] = user.Aad },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
        ["conversation"] = new JsonObject { ["id"] = user.Conversation, ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
    };

    private async Task<HttpResponseMessage> TeamsPostAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _teams.Token());
        return await Client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SlackPostAsync(string path, string body, bool form = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(form ? "application/x-www-form-urlencoded" : "application/json");
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(SlackSecret, ts, bytes));
        return await Client.SendAsync(request);
    }
}
