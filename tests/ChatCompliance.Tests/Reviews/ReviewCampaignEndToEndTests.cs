using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Tests.Graph;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Reviews;

/// <summary>
/// One access review from launch to report, over HTTP, on real PostgreSQL: WireMock as Microsoft Graph (group
/// "Finance": Alice and Bob report to Mona, Carol to Max; Owen owns the group), as the Teams connector (Mona and Owen
/// use Teams) and as the Slack Web API (Lee the compliance lead and Max use Slack). Buttons are clicked from the cards
/// the bot really sent.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ReviewCampaignEndToEndTests : IAsyncLifetime
{
    private const string GroupId = "6a1f0c52-8d3e-4b7a-9f10-2c4d5e6f7a8b";
    private const string SlackSecret = "test-signing-secret";
    private const string Ts = "1700000000.000100";
    private const string Recent = """{"lastSignInDateTime":"2026-11-20T08:00:00Z","lastNonInteractiveSignInDateTime":null}""";

    private static readonly (string Email, string TeamsId, string Aad, string Conversation) Mona = ("mona@contoso.example", "29:mona", "aad-mona", "a:mona-conv");
    private static readonly (string Email, string TeamsId, string Aad, string Conversation) Owen = ("owen@contoso.example", "29:owen", "aad-owen", "a:owen-conv");
    private static readonly (string Email, string Id, string Channel) Lee = ("lee@contoso.example", "ULEE", "DLEE");
    private static readonly (string Email, string Id, string Channel) Max = ("max@contoso.example", "UMAX", "DMAX");

    private readonly TestPostgres _postgres = new();
    private readonly BotFrameworkFakes _teams = new();
    private GraphHarness _graph = null!;
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;
    private int _ids;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _graph = GraphHarness.Start();
        ServeFinanceGroup();
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"ok":true,"message_ts":"1700000000.000200","channel":"D1","ts":"{{Ts}}"}"""));

        var settings = _teams.Settings();
        settings["ConnectionStrings:Postgres"] = _postgres.ConnectionString;
        settings["SLACK_BOT_TOKEN"] = "test-bot-token";
        settings["SLACK_SIGNING_SECRET"] = SlackSecret;
        settings["Slack:ApiBaseUrl"] = $"http://127.0.0.1:{_slack.Port}/api/";
        settings["Graph:TenantId"] = GraphHarness.TenantId;
        settings["Graph:ClientId"] = GraphHarness.ClientId;
        settings["Graph:ClientSecret"] = GraphHarness.ClientSecret;
        settings["Graph:BaseUrl"] = _graph.BaseUrl;
        settings["Graph:TokenEndpoint"] = $"http://127.0.0.1:{_graph.TokenServer.Port}/{{tenant}}/oauth2/v2.0/token";
        _app = new ComplianceApp(settings);
        _client = _app.CreateClient();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.AddRange(
                new Person { Email = Mona.Email, DisplayName = "Mona Manager", TeamsUserId = Mona.TeamsId, EntraObjectId = Mona.Aad, CreatedAt = DateTimeOffset.UtcNow },
                new Person { Email = Owen.Email, DisplayName = "Owen Owner", TeamsUserId = Owen.TeamsId, EntraObjectId = Owen.Aad, CreatedAt = DateTimeOffset.UtcNow },
                new Person { Email = Lee.Email, DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, SlackUserId = Lee.Id, SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow },
                new Person { Email = Max.Email, DisplayName = "Max Manager", SlackUserId = Max.Id, SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // Everyone has talked to the bot before, so each has a personal conversation.
        await TeamsSayAsync(Mona, "help");
        await TeamsSayAsync(Owen, "help");
        await SlackSayAsync(Lee, "help");
        await SlackSayAsync(Max, "help");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _graph.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        _teams.Dispose();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task A_lead_starts_a_review_in_chat_reviewers_decide_in_Teams_and_Slack_the_owner_removes_access_and_the_report_has_it_all()
    {
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14);

        // Lee starts it from Slack; the population comes from Graph, managers review.
        var started = await SlackSayAsync(Lee, $"review group {GroupId} due {due:yyyy-MM-dd} by manager");
        Assert.Equal($"Started *Access review of Finance*: 3 accounts, 2 reviewer(s), 2 flagged for revoking, due {due:yyyy-MM-dd}.", (string?)started["text"]);

        // Each reviewer gets their first page where they talk to the bot: Mona in Teams, Max in Slack.
        var monaCard = await WaitForAsync(() => TeamsPosted(Mona.Conversation), 1);
        Assert.Contains("Alice", Words(monaCard[0]), StringComparison.Ordinal);
        Assert.Contains("account disabled", Words(monaCard[0]), StringComparison.Ordinal);
        Assert.DoesNotContain("Carol", Words(monaCard[0]), StringComparison.Ordinal);
        var maxCard = (await WaitForAsync(() => SlackCalls("chat.postMessage", Max.Channel).Where(b => Words(b).Contains("Carol", StringComparison.Ordinal)).ToList(), 1))[0];

        // Mona keeps Alice; revoking Bob needs a justification.
        var kept = await TeamsClickAsync(Mona, TeamsButton(monaCard[0], "Keep", row: "Alice"));
        Assert.Contains("keep: Alice.", Words(kept), StringComparison.Ordinal);
        var refused = await TeamsClickAsync(Mona, TeamsButton(kept, "Revoke", row: "Bob"));
        Assert.Contains("Please write a justification for revoking access: Bob.", Words(refused), StringComparison.Ordinal);
        var revoked = await TeamsClickAsync(Mona, TeamsButton(refused, "Revoke", row: "Bob"), new JsonObject { ["justification"] = "Left in October" });
        Assert.Contains("2 of 2 decided", Words(revoked), StringComparison.Ordinal);

        // Owen is not Alice's reviewer, and a stranger is nobody's: their clicks on Mona's card are refused and change nothing.
        var notYours = await TeamsClickAsync(Owen, TeamsButton(monaCard[0], "Revoke", row: "Alice"), new JsonObject { ["justification"] = "x" });
        Assert.Contains("This account is for Mona Manager to review; only the assigned reviewer can decide it.", Words(notYours), StringComparison.Ordinal);
        var stranger = await TeamsClickAsync(("eve@contoso.example", "29:eve", "aad-eve", "a:eve-conv"), TeamsButton(monaCard[0], "Revoke", row: "Alice"), new JsonObject { ["justification"] = "x" });
        Assert.Contains("I don't know you yet", Words(stranger), StringComparison.Ordinal);

        // Max revokes Carol in Slack: the last account, so the review closes.
        await SlackClickAsync(Max, SlackButton(maxCard, "Revoke"), ("justification", "Contract ended"));
        var closedPage = (await WaitForAsync(() => SlackCalls("chat.update", Max.Channel), 1))[^1];
        Assert.Contains("it is now closed", Words(closedPage), StringComparison.Ordinal);

        // Owen is asked to remove Bob's and Carol's access; Lee gets the summary.
        var removal = (await WaitForAsync(() => TeamsPosted(Owen.Conversation).Where(c => Words(c).Contains("access to remove", StringComparison.Ordinal)).ToList(), 1))[0];
        var summary = (await WaitForAsync(() => SlackCalls("chat.postMessage", Lee.Channel).Where(b => Words(b).Contains("closed", StringComparison.Ordinal)).ToList(), 1))[0];
        Assert.Contains("Revoked", Words(summary), StringComparison.Ordinal);
        var removed = await TeamsClickAsync(Owen, TeamsButton(removal, "Removed", row: "Bob"), new JsonObject { ["note"] = "IT-4411" });
        Assert.Contains("Recorded: Bob's access was removed.", Words(removed), StringComparison.Ordinal);

        // The report an auditor takes away.
        using var api = await LeadApiAsync();
        var campaignId = await CampaignIdAsync();
        var json = JsonNode.Parse(await api.GetStringAsync($"/api/v1/reviews/{campaignId}/report?format=json"))!;
        Assert.Equal("Completed", (string?)json["campaign"]!["status"]);
        Assert.Equal(64, ((string?)json["campaign"]!["populationSha256"])!.Length);
        var items = json["items"]!.AsArray().ToDictionary(i => (string)i!["displayName"]!);
        Assert.Equal(("Keep", Mona.Email), ((string?)items["Alice"]!["decision"], (string?)items["Alice"]!["decidedBy"]));
        Assert.Equal(("Revoke", "Left in October", "Done", "IT-4411"),
            ((string?)items["Bob"]!["decision"], (string?)items["Bob"]!["justification"], (string?)items["Bob"]!["remediationStatus"], (string?)items["Bob"]!["remediationNote"]));
        Assert.Equal(("Revoke", Max.Email, "Pending"), ((string?)items["Carol"]!["decision"], (string?)items["Carol"]!["reviewer"], (string?)items["Carol"]!["remediationStatus"]));
        Assert.True((bool)json["chain"]!["intact"]!);
        var csv = await api.GetStringAsync($"/api/v1/reviews/{campaignId}/report");
        Assert.Contains($"hash {(string?)json["chain"]!["headHash"]}", csv, StringComparison.Ordinal);
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        Assert.True((await AuditChainVerifier.VerifyAsync(db, TestAuditKeys.Ring)).Intact);
    }

    [Fact]
    public async Task A_reviewer_accepts_all_recommendations_after_confirming_and_another_hands_his_review_over()
    {
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14);
        await SlackSayAsync(Lee, $"review group {GroupId} due {due:yyyy-MM-dd} by manager");
        var monaCard = (await WaitForAsync(() => TeamsPosted(Mona.Conversation), 1))[0];
        var maxCard = (await WaitForAsync(() => SlackCalls("chat.postMessage", Max.Channel).Where(b => Words(b).Contains("Carol", StringComparison.Ordinal)).ToList(), 1))[0];

        // Mona: "Accept recommended" shows what it will do, and only Confirm does it.
        var confirm = await TeamsClickAsync(Mona, Objects(monaCard).Single(o => (string?)o["type"] == "Action.Execute" && (string?)o["title"] == "Accept recommended"));
        Assert.Contains("keep 1, revoke 1", Words(confirm), StringComparison.Ordinal);
        var decided = await TeamsClickAsync(Mona, Objects(confirm).Single(o => (string?)o["type"] == "Action.Execute" && (string?)o["title"] == "Confirm"));
        Assert.Contains("Decided 2 account(s).", Words(decided), StringComparison.Ordinal);
        Assert.Contains("2 of 2 decided", Words(decided), StringComparison.Ordinal);

        // Max hands Carol's review to Mona from Slack: the form, then the hand-over, recorded; Mona gets the page in Teams.
        await SlackClickAsync(Max, SlackButton(maxCard, "Hand to someone else"));
        var form = (await WaitForAsync(() => SlackCalls("chat.update", Max.Channel), 1))[^1];
        Assert.Contains("Their email", Words(form), StringComparison.Ordinal);
        await SlackClickAsync(Max, SlackButton(form, "Hand over"), ("email", Mona.Email), ("reason", "On leave until January"));
        var handed = (await WaitForAsync(() => SlackCalls("chat.update", Max.Channel), 2))[^1];
        Assert.Contains("Handed 1 account(s) to Mona Manager.", Words(handed), StringComparison.Ordinal);
        var toMona = (await WaitForAsync(() => TeamsPosted(Mona.Conversation), 2))[^1];
        Assert.Contains("Max Manager handed you 1 account(s) to review", Words(toMona), StringComparison.Ordinal);
        Assert.Contains("Carol", Words(toMona), StringComparison.Ordinal);

        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var carol = await db.AccessReviewItems.Include(i => i.Reviewer).SingleAsync(i => i.SubjectDisplayName == "Carol");
        Assert.Equal(Mona.Email, carol.Reviewer!.Email);
        Assert.Equal("On leave until January", (await db.AuditTrail.SingleAsync(e => e.Action == "review.delegated")).Reason);
    }

    [Fact]
    public async Task A_missing_Graph_permission_is_told_to_the_lead_in_plain_words_and_nothing_is_sent()
    {
        const string denied = "6a1f0c52-0000-4b7a-9f10-2c4d5e6f7a8b";
        _graph.Respond("GET", $"/groups/{denied}", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."), priority: 1);
        _graph.Respond("GET", $"/groups/{denied}/transitiveMembers/graph.user", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."), priority: 1);

        var reply = await SlackSayAsync(Lee, $"review group {denied} due {DateTime.UtcNow.AddDays(7):yyyy-MM-dd}");

        Assert.Contains("GroupMember.Read.All", (string?)reply["text"], StringComparison.Ordinal);
        using var api = await LeadApiAsync();
        var campaigns = JsonNode.Parse(await api.GetStringAsync("/api/v1/reviews"))!.AsArray();
        Assert.Equal("draft", (string?)Assert.Single(campaigns)!["status"]);
        Assert.Empty(TeamsPosted(Mona.Conversation));
    }

    private void ServeFinanceGroup()
    {
        _graph.Get($"/groups/{GroupId}", """{"id":"g","displayName":"Finance"}""");
        _graph.Get($"/groups/{GroupId}/owners/graph.user", _graph.Page("", $$"""{"id":"owen","displayName":"Owen Owner","mail":"{{Owen.Email}}"}"""));
        _graph.Get($"/groups/{GroupId}/transitiveMembers/graph.user", _graph.Page("",
            GraphHarness.User("u1", "Alice", "alice@contoso.example"),
            GraphHarness.User("u2", "Bob", "bob@contoso.example", enabled: false),
            GraphHarness.User("u3", "Carol", "carol@partner.example", type: "Guest")));
        _graph.Get($"/groups/{GroupId}/members", _graph.Page("", """{"id":"u1"}""", """{"id":"u2"}""", """{"id":"u3"}"""));
        foreach (var (id, manager, email) in new[] { ("u1", "m1", Mona.Email), ("u2", "m1", Mona.Email), ("u3", "m2", Max.Email) })
        {
            // A launch reads the manager with the user ($expand=manager); escalations ask for it alone.
            _graph.Get($"/users/{id}", $$$"""{"id":"{{{id}}}","signInActivity":{{{Recent}}},"manager":{"@odata.type":"#microsoft.graph.user","id":"{{{manager}}}","mail":"{{{email}}}"}}""");
        }

        _graph.Get("/users/u3/sponsors", _graph.Page(""));
        _graph.Get("/users/u1/manager", $$"""{"@odata.type":"#microsoft.graph.user","id":"m1","mail":"{{Mona.Email}}"}""");
        _graph.Get("/users/u2/manager", $$"""{"@odata.type":"#microsoft.graph.user","id":"m1","mail":"{{Mona.Email}}"}""");
        _graph.Get("/users/u3/manager", $$"""{"@odata.type":"#microsoft.graph.user","id":"m2","mail":"{{Max.Email}}"}""");
    }

    private async Task<HttpClient> LeadApiAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync($"auditor-{Interlocked.Increment(ref _ids)}", ApiKeyRole.ComplianceLead, "test", new ChatCompliance.Core.Tasks.TaskActor(null, ChatCompliance.Core.Domain.Platform.Cli, "test"));
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Token);
        return client;
    }

    private async Task<Guid> CampaignIdAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().AccessReviewCampaigns.Select(c => c.Id).SingleAsync();
    }

    private async Task TeamsSayAsync((string Email, string TeamsId, string Aad, string Conversation) user, string text)
    {
        var activity = TeamsActivity("message", user);
        activity["text"] = text;
        Assert.Equal(HttpStatusCode.OK, (await TeamsPostAsync(activity)).StatusCode);
    }

    /// <summary>Clicks an <c>Action.Execute</c> with the card's inputs; returns the card the invoke answered with (or a text card).</summary>
    private async Task<JsonNode> TeamsClickAsync((string Email, string TeamsId, string Aad, string Conversation) user, JsonObject action, JsonObject? inputs = null)
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
        var response = await TeamsPostAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["value"]!;
    }

    private JsonObject TeamsActivity(string type, (string Email, string TeamsId, string Aad, string Conversation) user) => new()
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

    private async Task<HttpResponseMessage> TeamsPostAsync(JsonObject activity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _teams.Token());
        var response = await _client.SendAsync(request);
        await OutboxWait.RepliesSentAsync(_app.Services, (string?)activity["id"]);
        return response;
    }

    /// <summary>Adaptive Cards the bot posted into a Teams conversation on its own (not replies).</summary>
    private List<JsonNode> TeamsPosted(string conversation) =>
    [
        .. _teams.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path == $"/connector/v3/conversations/{conversation}/activities")
            .Select(c => JsonNode.Parse(c.RequestMessage.Body!)!["attachments"]![0]!["content"]!),
    ];

    /// <summary>The button with this title in the row whose text mentions <paramref name="row"/>.</summary>
    private static JsonObject TeamsButton(JsonNode card, string title, string row)
    {
        // A row is a container whose first item is the row's cells (a column set), then its buttons.
        var container = Objects(card).First(o => (string?)o["type"] == "Container" && o["items"] is JsonArray items
            && items.Count > 0 && (string?)items[0]!["type"] == "ColumnSet" && Words(items[0]!).Contains(row, StringComparison.Ordinal));
        return Objects(container).Single(o => (string?)o["type"] == "Action.Execute" && (string?)o["title"] == title);
    }

    private async Task<JsonObject> SlackSayAsync((string Email, string Id, string Channel) user, string text)
    {
        var before = SlackCalls("chat.postMessage", user.Channel).Count;
        var envelope = new JsonObject
        {
            ["type"] = "event_callback",
            ["team_id"] = "T1",
            ["event_id"] = $"Ev{Interlocked.Increment(ref _ids)}",
            ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = user.Channel, ["user"] = user.Id, ["text"] = text, ["ts"] = "1.2" },
        };
        Assert.Equal(HttpStatusCode.OK, (await SlackPostAsync("/slack/events", envelope.ToJsonString())).StatusCode);
        return (await WaitForAsync(() => SlackCalls("chat.postMessage", user.Channel), before + 1))[before];
    }

    private async Task SlackClickAsync((string Email, string Id, string Channel) user, JsonObject button, params (string Id, string Value)[] inputs)
    {
        var values = new JsonObject();
        foreach (var (id, value) in inputs)
        {
            values[id] = new JsonObject { [id] = new JsonObject { ["type"] = "plain_text_input", ["value"] = value } };
        }

        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user.Id },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["channel"] = new JsonObject { ["id"] = user.Channel },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = Ts, ["channel_id"] = user.Channel },
            ["message"] = new JsonObject { ["ts"] = Ts },
            ["actions"] = new JsonArray(new JsonObject { ["type"] = "button", ["action_id"] = (string?)button["action_id"], ["block_id"] = "b1", ["value"] = (string?)button["value"], ["action_ts"] = "1700000001.000000" }),
            ["state"] = new JsonObject { ["values"] = values },
        };
        Assert.Equal(HttpStatusCode.OK, (await SlackPostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), form: true)).StatusCode);
    }

    private static JsonObject SlackButton(JsonNode message, string title) =>
        message["blocks"]!.AsArray().OfType<JsonObject>().Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => b["elements"]!.AsArray().OfType<JsonObject>())
            .First(e => (string?)e["type"] == "button" && (string?)e["text"]?["text"] == title);

    private async Task<HttpResponseMessage> SlackPostAsync(string path, string body, bool form = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, form ? "application/x-www-form-urlencoded" : "application/json") };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(SlackSecret, ts, Encoding.UTF8.GetBytes(body)));
        return await _client.SendAsync(request);
    }

    private List<JsonObject> SlackCalls(string method, string channel) =>
    [
        .. _slack.LogEntries.Where(e => e.RequestMessage.Path == $"/api/{method}")
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!.AsObject()).Where(b => (string?)b["channel"] == channel),
    ];

    private static async Task<List<T>> WaitForAsync<T>(Func<List<T>> calls, int count)
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

    private static IEnumerable<JsonObject> Objects(JsonNode node) => node switch
    {
        JsonObject o => new[] { o }.Concat(o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Objects)),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Objects),
        _ => [],
    };

    /// <summary>Every string in a card or message, one a line: what the reader sees.</summary>
    private static string Words(JsonNode node) => node switch
    {
        JsonObject o => string.Join('\n', o.Where(p => p.Key is not ("action_id" or "value" or "block_id" or "data" or "verb")).Select(p => p.Value).OfType<JsonNode>().Select(Words)),
        JsonArray a => string.Join('\n', a.OfType<JsonNode>().Select(Words)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };
}
