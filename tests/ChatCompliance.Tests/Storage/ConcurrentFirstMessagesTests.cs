using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Storage;

[Collection(AppCollection.Name)]
public sealed class SqliteConcurrentFirstMessagesTests : ConcurrentFirstMessagesTests<SqliteTestStore>;

[Collection(AppCollection.Name)]
public sealed class PostgresConcurrentFirstMessagesTests : ConcurrentFirstMessagesTests<PostgresTestStore>;

/// <summary>
/// Many first messages in conversations the bot has never seen, all at once, on Teams and on Slack: each conversation is
/// remembered once, every message is answered, and nobody's request pays for a lost race with an error in the log.
/// </summary>
public abstract class ConcurrentFirstMessagesTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private readonly TStore _store = new();
    private const string SlackSecret = "test-signing-secret";
    private readonly BotFrameworkFakes _teams = new();
    private readonly CapturedLog _log = new();
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"C-NEW","ts":"1700000000.000100","user":{"id":"U1","team_id":"T1","is_bot":false,"deleted":false,"profile":{"email":"nobody@example.com"}}}"""));
        var settings = _teams.Settings();
        _store.UseIn(settings);
        settings["SLACK_BOT_TOKEN"] = "test-bot-token";
        settings["SLACK_SIGNING_SECRET"] = SlackSecret;
        settings["Slack:ApiBaseUrl"] = $"{LoopbackWireMock.Url(_slack)}/api/";
        settings["Slack:TeamId"] = "T1";
        settings["Slack:AppId"] = "A1";
        _app = new ComplianceApp(settings, services => services.AddSingleton<ILoggerProvider>(_log));
        _client = _app.CreateClient();
        _log.Clear(); // what a first start on an empty database logs is not what is measured here
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        _teams.Dispose();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Teams_first_messages_in_new_conversations_at_once_store_each_conversation_once_and_log_no_error()
    {
        var token = _teams.Token();
        // Four new team channels, six people writing in each at the same moment.
        var burst = Enumerable.Range(0, 24).Select(i => PostTeamsAsync(ChannelMessage($"19:new-{i % 4}@thread.tacv2", $"29:user-{i}", $"aad-{i}", "is soc2 a certification?"), token));

        Assert.All(await Task.WhenAll(burst), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var stored = await db.ConversationReferences.AsNoTracking().OrderBy(c => c.ConversationId).ToListAsync();
        Assert.Equal(["19:new-0@thread.tacv2", "19:new-1@thread.tacv2", "19:new-2@thread.tacv2", "19:new-3@thread.tacv2"], stored.Select(c => c.ConversationId));
        Assert.All(stored, c => Assert.Equal((ConversationScope.Channel, "tenant-1", _teams.ServiceUrl), (c.Scope, c.TenantId, c.ServiceUrl)));
        Assert.Equal(24, (await db.WaitForQuestionsAsync(24)).Count);
        AssertQuietLog();
    }

    [Fact]
    public async Task Slack_first_messages_in_a_new_channel_at_once_store_it_once_and_log_no_error()
    {
        var burst = Enumerable.Range(0, 12).Select(i => PostSlackAsync(
            $$$"""{"type":"event_callback","team_id":"T1","api_app_id":"A1","event_id":"EvFirst{{{i}}}","event":{"type":"app_mention","channel":"C-NEW","user":"U1","text":"<@UBOT> what is cc6.1 ({{{i}}})","ts":"1700000000.{{{i + 100000}}}"}}"""));

        Assert.All(await Task.WhenAll(burst), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        // Answers in one channel go at Slack's pace (about one a second), so the last question is stored some seconds on.
        var deadline = DateTime.UtcNow.AddSeconds(40);
        var asked = await db.WaitForQuestionsAsync(12);
        while (asked.Count < 12 && DateTime.UtcNow < deadline)
        {
            asked = await db.WaitForQuestionsAsync(12);
        }

        Assert.True(asked.Count == 12, $"{asked.Count} questions stored: {string.Join(" | ", asked.Select(q => q.Text))}; posts: {_slack.LogEntries.Count(e => e.RequestMessage.Path == "/api/chat.postMessage")}\n" + string.Join("\n", _log.Problems()));
        var channel = Assert.Single(await db.ConversationReferences.AsNoTracking().ToListAsync());
        Assert.Equal((Platform.Slack, "C-NEW", ConversationScope.Channel, "T1"), (channel.Platform, channel.ConversationId, channel.Scope, channel.TenantId));
        AssertQuietLog();
    }

    [Fact]
    public async Task Of_many_concurrent_creations_of_one_conversation_exactly_one_stores_it_and_all_get_that_row()
    {
        var candidates = Enumerable.Range(0, 16).Select(i => new ConversationReference
        {
            Platform = Platform.Teams, ConversationId = "a:raced", Scope = ConversationScope.Personal, TenantId = $"tenant-{i}", UpdatedAt = DateTimeOffset.UtcNow,
        }).ToList();

        var results = await Task.WhenAll(candidates.Select(async candidate =>
        {
            await Task.Yield();
            await using var scope = _app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ConversationDirectory>().AddIfAbsentAsync(candidate, CancellationToken.None);
        }));

        var winner = Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Contains(candidates, c => c.Id == winner);
        Assert.Single(results.Select(r => r.TenantId).Distinct()); // everyone sees the one stored row, not their own candidate
        AssertQuietLog();
    }

    private void AssertQuietLog()
    {
        var problems = _log.Problems();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private JsonObject ChannelMessage(string conversation, string from, string aad, string text) => new()
    {
        ["type"] = "message",
        ["id"] = "act-" + from,
        ["channelId"] = "msteams",
        ["serviceUrl"] = _teams.ServiceUrl,
        ["text"] = "<at>ChatCompliance</at> " + text,
        ["from"] = new JsonObject { ["id"] = from, ["name"] = "Someone", ["aadObjectId"] = aad },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
        ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = "channel", ["tenantId"] = "tenant-1" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" }, ["team"] = new JsonObject { ["id"] = "19:team@thread.tacv2" } },
    };

    private async Task<HttpResponseMessage> PostTeamsAsync(JsonObject activity, string token)
    {
        await Task.Yield();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostSlackAsync(string body)
    {
        await Task.Yield();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(SlackSecret, ts, Encoding.UTF8.GetBytes(body)));
        return await _client.SendAsync(request);
    }
}
