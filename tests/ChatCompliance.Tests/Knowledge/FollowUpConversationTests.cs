using System.Globalization;
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
/// Follow-ups over HTTP: "and for ISO?" after a SOC 2 question is answered with the ISO 27001 counterpart, on Teams and
/// on Slack, on SQLite and PostgreSQL; the topic is remembered per person and thread (another person in the same
/// channel, or the same person in another thread, is not bent by it) and forgotten after the window.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class FollowUpConversationTests
{
    private const string Secret = "test-signing-secret";
    private const string First = "how long does a soc 2 audit take";
    private const string FollowUp = "and for ISO?";

    /// <summary>The titles of the two entries: the answer to the first question and its ISO counterpart.</summary>
    private static readonly Lazy<(string Soc2, string Iso)> Titles = new(() =>
    {
        var (kb, _) = KnowledgeBase.Load(Path.Combine(KnowledgeFixture.RepositoryRoot, "knowledge"));
        return (kb.ById["soc2-how-long-does-it-take"].Title, kb.ById["iso27001-certification-timeline"].Title);
    });

    public static TheoryData<string> Stores => [StoreDescription.Sqlite, StoreDescription.PostgreSql];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task And_for_ISO_on_Teams_answers_the_ISO_counterpart_of_the_last_question(string store)
    {
        await using var harness = await Harness.StartAsync(store);
        var ada = new TeamsUser("29:ada", "aad-ada", "a:personal-ada", "personal");

        var first = await harness.TeamsSayAsync(ada, First);
        var followUp = await harness.TeamsSayAsync(ada, FollowUp);

        Assert.Contains(Titles.Value.Soc2, first, StringComparison.Ordinal);
        Assert.Contains(Titles.Value.Iso, followUp, StringComparison.Ordinal);
        await using var db = harness.Db();
        await db.WaitForQuestionsAsync(2);
        var stored = await db.Questions.AsNoTracking().OrderBy(q => q.Id).ToListAsync();
        Assert.Equal("iso27001-certification-timeline", stored[^1].EntryId);
        // The key is a hash: the question log keeps no platform ids.
        Assert.All(stored, q => Assert.Matches("^[0-9a-f]{64}$", q.FollowUpKey!));
        Assert.All(stored, q => Assert.DoesNotContain("29:ada", q.FollowUpKey!, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task And_for_ISO_in_a_Slack_thread_answers_the_ISO_counterpart_and_nobody_else_in_the_channel_is_bent_by_it(string store)
    {
        await using var harness = await Harness.StartAsync(store);
        const string thread = "1700000100.000100";

        var first = await harness.SlackMentionAsync("U1", "C1", First, ts: thread);
        var followUp = await harness.SlackMentionAsync("U1", "C1", FollowUp, ts: "1700000101.000100", threadTs: thread);
        var otherPerson = await harness.SlackMentionAsync("U2", "C1", FollowUp, ts: "1700000102.000100", threadTs: thread);
        var otherThread = await harness.SlackMentionAsync("U1", "C1", FollowUp, ts: "1700000103.000100");

        Assert.Contains(Titles.Value.Soc2, first, StringComparison.Ordinal);
        Assert.Contains(Titles.Value.Iso, followUp, StringComparison.Ordinal);
        Assert.Contains("What are we talking about?", otherPerson, StringComparison.Ordinal);
        Assert.DoesNotContain(Titles.Value.Iso, otherPerson, StringComparison.Ordinal);
        Assert.Contains("What are we talking about?", otherThread, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_topic_is_shared_by_two_app_instances_on_PostgreSQL()
    {
        await using var harness = await Harness.StartAsync(StoreDescription.PostgreSql, instances: 2);
        var ada = new TeamsUser("29:ada", "aad-ada", "a:personal-ada", "personal");

        await harness.TeamsSayAsync(ada, First, instance: 0);
        await using (var db = harness.Db())
        {
            await db.WaitForQuestionsAsync(); // a person takes longer than that to type the follow-up
        }

        var followUp = await harness.TeamsSayAsync(ada, FollowUp, instance: 1);

        Assert.Contains(Titles.Value.Iso, followUp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_Teams_channel_another_person_is_not_bent_by_the_first_persons_topic_nor_another_thread()
    {
        await using var harness = await Harness.StartAsync(StoreDescription.Sqlite);
        var ada = new TeamsUser("29:ada", "aad-ada", "19:general@thread.tacv2;messageid=1", "channel");
        var bob = ada with { TeamsId = "29:bob", Aad = "aad-bob" };
        var adaElsewhere = ada with { Conversation = "19:general@thread.tacv2;messageid=2" };

        await harness.TeamsSayAsync(ada, First);
        var bobFollowUp = await harness.TeamsSayAsync(bob, FollowUp);
        var adaOtherThread = await harness.TeamsSayAsync(adaElsewhere, FollowUp);
        var adaFollowUp = await harness.TeamsSayAsync(ada, FollowUp);

        Assert.Contains("What are we talking about?", bobFollowUp, StringComparison.Ordinal);
        Assert.DoesNotContain(Titles.Value.Iso, bobFollowUp, StringComparison.Ordinal);
        Assert.Contains("What are we talking about?", adaOtherThread, StringComparison.Ordinal);
        Assert.Contains(Titles.Value.Iso, adaFollowUp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_window_the_topic_is_forgotten_on_both_platforms()
    {
        await using var harness = await Harness.StartAsync(StoreDescription.Sqlite, window: "00:00:02");
        var ada = new TeamsUser("29:ada", "aad-ada", "a:personal-ada", "personal");

        await harness.TeamsSayAsync(ada, First);
        var within = await harness.TeamsSayAsync(ada, FollowUp);
        await harness.SlackDirectAsync("U1", "D1", First);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var teamsAfter = await harness.TeamsSayAsync(ada, FollowUp);
        var slackAfter = await harness.SlackDirectAsync("U1", "D1", FollowUp);

        Assert.Contains(Titles.Value.Iso, within, StringComparison.Ordinal);
        Assert.Contains("What are we talking about?", teamsAfter, StringComparison.Ordinal);
        Assert.Contains("What are we talking about?", slackAfter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_question_that_stands_on_its_own_is_not_bent_by_the_topic_and_a_follow_up_after_a_DM_question_works_on_Slack()
    {
        await using var harness = await Harness.StartAsync(StoreDescription.Sqlite);

        await harness.SlackDirectAsync("U1", "D1", First);
        var alone = await harness.SlackDirectAsync("U1", "D1", "is soc 2 a certification?");
        var who = await harness.SlackDirectAsync("U1", "D1", "who does that audit?");
        var iso = await harness.SlackDirectAsync("U1", "D1", "what about iso 27001");

        Assert.Contains("Is SOC 2 a certification?", alone, StringComparison.Ordinal);
        Assert.Contains("Who performs a SOC 2 audit", who, StringComparison.Ordinal);
        Assert.Contains("Who audits for ISO 27001 and issues the certificates?", iso, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follow_up_with_nothing_remembered_gets_a_polite_hint_and_offers_no_hand_off()
    {
        await using var harness = await Harness.StartAsync(StoreDescription.Sqlite);
        var ada = new TeamsUser("29:ada", "aad-ada", "a:personal-ada", "personal");

        var teams = await harness.TeamsSayAsync(ada, "which clause is that?");
        var slack = await harness.SlackDirectAsync("U1", "D1", "show the mapping");

        Assert.Contains("What are we talking about?", teams, StringComparison.Ordinal);
        Assert.DoesNotContain("qa.handoff", teams, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("What are we talking about?", slack, StringComparison.Ordinal);
    }

    /// <summary>The app with Teams (Bot Framework fakes) and Slack (WireMock Web API) on the chosen store.</summary>
    private sealed class Harness : IAsyncDisposable
    {
        private readonly string _data = Directory.CreateTempSubdirectory("cc-followup-").FullName;
        private TestPostgres? _postgres;
        private WireMockServer _slack = null!;
        private readonly List<ComplianceApp> _apps = [];
        private readonly List<HttpClient> _clients = [];
        private int _ids;

        public BotFrameworkFakes Fakes { get; } = new();

        public static async Task<Harness> StartAsync(string store, string? window = null, int instances = 1)
        {
            var harness = new Harness();
            var settings = harness.Fakes.Settings();
            settings["Storage:DataDirectory"] = harness._data;
            if (window is not null)
            {
                settings["Knowledge:FollowUpWindow"] = window;
            }

            if (store == StoreDescription.PostgreSql)
            {
                harness._postgres = new TestPostgres();
                await harness._postgres.InitializeAsync();
                settings["ConnectionStrings:Postgres"] = harness._postgres.ConnectionString;
            }

            harness._slack = LoopbackWireMock.Start();
            harness._slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"D1","ts":"1700000000.000100","user":{"id":"U1","team_id":"T1","name":"ada","deleted":false,"is_bot":false,"profile":{"email":"nobody@example.com"}}}"""));
            settings["SLACK_BOT_TOKEN"] = "test-bot-token";
            settings["SLACK_SIGNING_SECRET"] = Secret;
            settings["Slack:ApiBaseUrl"] = $"{LoopbackWireMock.Url(harness._slack)}/api/";
            // users.info is asked once per new Slack user; on a loaded test machine its first call can outlast the 2 s default
            // (the most the option allows, inside Slack's 3 s acknowledgement).
            settings["Slack:IdentityTimeout"] = "00:00:02.500";
            for (var i = 0; i < instances; i++)
            {
                var app = new ComplianceApp(settings);
                harness._apps.Add(app);
                harness._clients.Add(app.CreateClient());
            }

            return harness;
        }

        /// <summary>Says <paramref name="text"/> in Teams; returns the bot's reply (the body sent to the connector).</summary>
        public async Task<string> TeamsSayAsync(TeamsUser user, string text, int instance = 0)
        {
            var before = Fakes.ConnectorCalls().Count;
            var activity = new JsonObject
            {
                ["type"] = "message",
                ["id"] = $"act-{Interlocked.Increment(ref _ids)}",
                ["channelId"] = "msteams",
                ["serviceUrl"] = Fakes.ServiceUrl,
                ["from"] = new JsonObject { ["id"] = user.TeamsId, ["name"] = user.TeamsId, ["aadObjectId"] = user.Aad },
                ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
                ["conversation"] = new JsonObject { ["id"] = user.Conversation, ["conversationType"] = user.Type, ["tenantId"] = "tenant-1" },
                ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
                ["text"] = text,
            };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
            {
                Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Fakes.Token());
            var response = await _clients[instance].SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await OutboxWait.RepliesSentAsync(_apps[instance].Services, (string?)activity["id"]);
            var calls = Fakes.ConnectorCalls();
            Assert.Equal(before + 1, calls.Count);
            return calls[^1].RequestMessage.Body!;
        }

        /// <summary>Mentions the bot in a Slack channel (in a thread when <paramref name="threadTs"/> is given); returns what it posted back.</summary>
        public Task<string> SlackMentionAsync(string user, string channel, string text, string ts, string? threadTs = null)
        {
            var slackEvent = new JsonObject { ["type"] = "app_mention", ["channel"] = channel, ["user"] = user, ["text"] = $"<@UBOT> {text}", ["ts"] = ts };
            if (threadTs is not null)
            {
                slackEvent["thread_ts"] = threadTs;
            }

            return SlackEventAsync(channel, slackEvent);
        }

        /// <summary>A direct message to the bot; returns what it posted back.</summary>
        public Task<string> SlackDirectAsync(string user, string channel, string text) =>
            SlackEventAsync(channel, new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = channel, ["user"] = user, ["text"] = text, ["ts"] = $"1700000200.{Interlocked.Increment(ref _ids):D6}" });

        private async Task<string> SlackEventAsync(string channel, JsonObject slackEvent)
        {
            var before = Posted(channel).Count;
            var envelope = new JsonObject
            {
                ["type"] = "event_callback",
                ["team_id"] = "T1",
                ["event_id"] = $"Ev{Interlocked.Increment(ref _ids)}",
                ["event"] = slackEvent,
            };
            var response = await SlackAsync("/slack/events", envelope.ToJsonString(), "application/json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var posted = await ChatHarness.WaitForAsync(() => Posted(channel), before + 1);
            return posted[before];
        }

        private List<string> Posted(string channel) =>
        [
            .. _slack.LogEntries.Where(e => e.RequestMessage.Path == "/api/chat.postMessage")
                .Select(e => e.RequestMessage.Body!).Where(b => (string?)JsonNode.Parse(b)!["channel"] == channel),
        ];

        public ComplianceDbContext Db() => _apps[0].Services.CreateScope().ServiceProvider.GetRequiredService<ComplianceDbContext>();

        private async Task<HttpResponseMessage> SlackAsync(string path, string body, string contentType)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            request.Headers.Add("X-Slack-Request-Timestamp", ts);
            request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, bytes));
            return await _clients[0].SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            _clients.ForEach(c => c.Dispose());
            foreach (var app in _apps)
            {
                await app.DisposeAsync();
            }

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

    private sealed record TeamsUser(string TeamsId, string Aad, string Conversation, string Type);
}
