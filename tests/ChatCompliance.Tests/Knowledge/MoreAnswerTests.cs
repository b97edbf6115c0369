using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Complete answers: a list the bot shortens ("…and 2 more", the crosswalk of CC6.1) is shown whole with the Show all
/// button or by typing <c>more</c>, on Teams and on Slack, over HTTP, on SQLite and PostgreSQL.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class MoreAnswerTests
{
    private const string Secret = "test-signing-secret";
    private const string Question = "what maps to CC6.1?";

    /// <summary>The ISO 27001 codes of the CC6.1 pairs the first answer leaves out.</summary>
    private static readonly Lazy<(IReadOnlyList<string> Left, int Total)> Rest = new(() =>
    {
        var (kb, _) = KnowledgeBase.Load(Path.Combine(KnowledgeFixture.RepositoryRoot, "knowledge"));
        var pairs = kb.Catalog.PairsOf("SOC2:CC6.1");
        var first = new QuestionAnswerer(kb).Answer(Question).Text;
        return ([.. pairs.Select(p => kb.Catalog.Find(p.IsoRef)!.Code).Where(code => !first.Contains(code, StringComparison.Ordinal))], pairs.Count);
    });

    public static TheoryData<string> Stores => [StoreDescription.Sqlite, StoreDescription.PostgreSql];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Typing_more_on_Teams_shows_the_rest_of_a_shortened_crosswalk(string store)
    {
        await using var harness = await Harness.StartAsync(store);

        await harness.TeamsAsync(Message(harness, Question));
        await harness.TeamsAsync(Message(harness, "more"));

        var replies = harness.Fakes.ConnectorCalls();
        Assert.Equal(2, replies.Count);
        var first = replies[0].RequestMessage.Body!;
        Assert.Contains("2 more", first, StringComparison.Ordinal);
        Assert.Contains("qa.more", first, StringComparison.Ordinal);
        AssertWhole(replies[1].RequestMessage.Body!);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Show_all_on_Teams_shows_the_rest_of_a_shortened_crosswalk(string store)
    {
        await using var harness = await Harness.StartAsync(store);

        var response = await harness.TeamsAsync(Invoke(harness, new JsonObject { ["ref"] = "SOC2:CC6.1" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertWhole(Assert.Single(harness.Fakes.ConnectorCalls()).RequestMessage.Body!);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Typing_more_on_Slack_shows_the_rest_of_a_shortened_crosswalk(string store)
    {
        await using var harness = await Harness.StartAsync(store);

        var first = await (await harness.SlackCommandAsync(Question)).Content.ReadAsStringAsync();
        var more = await harness.SlackCommandAsync("more");

        Assert.Contains("2 more", first, StringComparison.Ordinal);
        Assert.Contains("qa.more", first, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        AssertWhole(await more.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Show_all_on_Slack_shows_the_rest_of_a_shortened_crosswalk(string store)
    {
        await using var harness = await Harness.StartAsync(store);

        var response = await harness.SlackActionAsync(new JsonObject { ["ref"] = "SOC2:CC6.1" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertWhole((await harness.WaitForSlackAsync("/api/chat.postMessage"))[0].RequestMessage.Body!);
    }

    [Fact]
    public async Task Show_all_for_a_list_that_does_not_exist_gets_a_polite_message_and_changes_nothing()
    {
        await using var harness = await Harness.StartAsync(StoreDescription.Sqlite);

        await harness.SlackActionAsync(new JsonObject { ["ref"] = "SOC2:ZZ9.9" });
        var slack = (string)JsonNode.Parse((await harness.WaitForSlackAsync("/api/chat.postEphemeral"))[0].RequestMessage.Body!)!["text"]!;
        var teams = (string)JsonNode.Parse(await (await harness.TeamsAsync(Invoke(harness, new JsonObject { ["ref"] = "<script>" }))).Content.ReadAsStringAsync())!["value"]!;

        Assert.Contains("can't find that list", slack, StringComparison.Ordinal);
        Assert.Contains("can't find that list", teams, StringComparison.Ordinal);
        Assert.Empty(harness.SlackCalls("/api/chat.postMessage"));
        Assert.Empty(harness.Fakes.ConnectorCalls());
        await using var db = harness.Db();
        Assert.Empty(await db.Questions.ToListAsync());
    }

    [Fact]
    public async Task More_with_nothing_shortened_says_so_politely_on_both_platforms()
    {
        await using var harness = await Harness.StartAsync(StoreDescription.Sqlite);

        var before = await (await harness.SlackCommandAsync("more")).Content.ReadAsStringAsync();
        await harness.SlackCommandAsync("is soc2 a certification?");
        await using (var db = harness.Db())
        {
            await db.WaitForQuestionsAsync();
        }

        var after = await (await harness.SlackCommandAsync("more")).Content.ReadAsStringAsync();
        await harness.TeamsAsync(Message(harness, "more"));

        Assert.Contains("nothing to show more of yet", before, StringComparison.Ordinal);
        Assert.Contains("already showed everything", after, StringComparison.Ordinal);
        Assert.DoesNotContain("**", after, StringComparison.Ordinal);
        Assert.Contains("nothing to show more of yet", Assert.Single(harness.Fakes.ConnectorCalls()).RequestMessage.Body!, StringComparison.Ordinal);
    }

    private static void AssertWhole(string reply)
    {
        var (left, total) = Rest.Value;
        Assert.NotEmpty(left);
        Assert.All(left, code => Assert.Contains(code, reply, StringComparison.Ordinal));
        Assert.Contains($"maps to {total} ", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("more.", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("qa.more", reply, StringComparison.Ordinal);
        // Each mapped item carries its strength ("A.8.20 Networks security — related"); the JSON may escape the dash.
        Assert.Matches(@"A\.8\.20\W+Networks security (—|\\u2014) related", reply); // ISO's own title: "Networks security"
    }

    private static JsonObject Message(Harness harness, string text)
    {
        var activity = harness.Activity("message");
        activity["text"] = text;
        return activity;
    }

    private static JsonObject Invoke(Harness harness, JsonObject data)
    {
        var activity = harness.Activity("invoke");
        activity["name"] = "adaptiveCard/action";
        activity["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "qa.more", ["data"] = data }, ["trigger"] = "manual" };
        return activity;
    }

    /// <summary>The app with Teams (Bot Framework fakes) and Slack (WireMock Web API) on the chosen store.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly string _data = Directory.CreateTempSubdirectory("cc-more-").FullName;
        private TestPostgres? _postgres;
        private WireMockServer _slack = null!;
        private ComplianceApp _app = null!;
        private int _activities;
        private HttpClient _client = null!;

        public BotFrameworkFakes Fakes { get; } = new();

        public static async Task<Harness> StartAsync(string store)
        {
            var harness = new Harness();
            var settings = harness.Fakes.Settings();
            settings["Storage:DataDirectory"] = harness._data;
            if (store == StoreDescription.PostgreSql)
            {
                harness._postgres = new TestPostgres();
                await harness._postgres.InitializeAsync();
                settings["ConnectionStrings:Postgres"] = harness._postgres.ConnectionString;
            }

            harness._slack = LoopbackWireMock.Start();
            harness._slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody("""{"ok":true,"channel":"D123","ts":"1700000000.000100","message_ts":"1700000000.000200","user":{"id":"U1","team_id":"T1","name":"ada","deleted":false,"is_bot":false,"profile":{"email":"nobody@example.com"}}}"""));
            settings["SLACK_BOT_TOKEN"] = "test-bot-token";
            settings["SLACK_SIGNING_SECRET"] = Secret;
            settings["Slack:ApiBaseUrl"] = $"{LoopbackWireMock.Url(harness._slack)}/api/";
            harness._app = new ComplianceApp(settings);
            harness._client = harness._app.CreateClient();
            return harness;
        }

        public JsonObject Activity(string type) => new()
        {
            ["type"] = type,
            ["id"] = $"act-{Interlocked.Increment(ref _activities)}",
            ["channelId"] = "msteams",
            ["serviceUrl"] = Fakes.ServiceUrl,
            ["from"] = new JsonObject { ["id"] = "29:user-1", ["name"] = "Ada User", ["aadObjectId"] = "aad-user-1" },
            ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
            ["conversation"] = new JsonObject { ["id"] = "a:conv-1", ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
        };

        public async Task<HttpResponseMessage> TeamsAsync(JsonObject activity)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
            {
                Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Fakes.Token());
            var response = await _client.SendAsync(request);
            await OutboxWait.RepliesSentAsync(_app.Services, (string?)activity["id"]);
            return response;
        }

        public Task<HttpResponseMessage> SlackCommandAsync(string text) =>
            SlackAsync("/slack/commands", $"command=%2Fcompliance&text={Uri.EscapeDataString(text)}&user_id=U1&channel_id=D123&team_id=T1");

        public Task<HttpResponseMessage> SlackActionAsync(JsonObject data)
        {
            var payload = new JsonObject
            {
                ["type"] = "block_actions",
                ["user"] = new JsonObject { ["id"] = "U1", ["name"] = "ada" },
                ["team"] = new JsonObject { ["id"] = "T1" },
                ["channel"] = new JsonObject { ["id"] = "D123" },
                ["message"] = new JsonObject { ["ts"] = "1700000000.000100" },
                ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "qa.more", ["value"] = data.ToJsonString() }),
            };
            return SlackAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        }

        public List<WireMock.Logging.ILogEntry> SlackCalls(string path) => [.. _slack.LogEntries.Where(e => e.RequestMessage.Path == path)];

        public async Task<List<WireMock.Logging.ILogEntry>> WaitForSlackAsync(string path)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (SlackCalls(path) is { Count: 0 } && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            var calls = SlackCalls(path);
            Assert.True(calls.Count > 0, $"{path} was not called");
            return calls;
        }

        public ComplianceDbContext Db() => _app.Services.CreateScope().ServiceProvider.GetRequiredService<ComplianceDbContext>();

        private async Task<HttpResponseMessage> SlackAsync(string path, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Headers.Add("X-Slack-Request-Timestamp", ts);
            request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(body)));
            return await _client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.DisposeAsync();
            _slack.Stop();
            _slack.Dispose();
            Fakes.Dispose();
            if (_postgres is not null)
            {
                await _postgres.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_data, recursive: true);
        }
    }
}
