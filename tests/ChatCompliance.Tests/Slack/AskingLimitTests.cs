using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Domain;
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
/// Per-person limits on questions and hand-offs answer politely and store nothing once hit. Questions are counted per
/// instance; hand-offs in the store, so a second instance counts the first one's.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class AskingLimitTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private readonly string _data = Directory.CreateTempSubdirectory("cc-limits-").FullName;
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private ComplianceApp _secondInstance = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"D123","ts":"1700000000.000100","user":{"id":"U1","team_id":"T1","is_bot":false,"deleted":false,"profile":{"email":"ada@example.com"}}}"""));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = Secret,
            ["Slack:ApiBaseUrl"] = $"{_slack.Urls[0]}/api/",
            ["RateLimits:QuestionsPerMinute"] = "3",
            ["RateLimits:HandOffsPerHour"] = "1",
        };
        _app = new ComplianceApp(settings);
        _secondInstance = new ComplianceApp(settings);
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_person_asking_faster_than_the_limit_is_asked_politely_to_wait_and_nothing_more_is_stored()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.DoesNotContain("faster than", await CommandAsync("U1", "ask what is cc6.1"), StringComparison.Ordinal);
        }

        var refused = await CommandAsync("U1", "ask what is cc6.1");
        var other = await CommandAsync("U2", "ask what is cc6.1");

        Assert.Contains("faster than I can keep up", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("faster than", other, StringComparison.Ordinal);
        await using var db = Db();
        await db.WaitForQuestionsAsync(4);
        await Task.Delay(300);
        Assert.Equal(4, await db.Questions.CountAsync());
    }

    [Fact]
    public async Task A_second_hand_off_within_the_hour_is_refused_politely_on_another_instance_too_and_the_question_stays_unhanded()
    {
        await CommandAsync("U1", "when is payday");
        await CommandAsync("U1", "who cleans the kitchen");
        List<Guid> asked;
        await using (var db = Db())
        {
            asked = [.. (await db.WaitForQuestionsAsync(2)).Select(q => q.Id)];
        }

        await HandOffAsync(_client, asked[0]);
        using var second = _secondInstance.CreateClient();
        await HandOffAsync(second, asked[1]);

        var ephemeral = await WaitForAsync("/api/chat.postEphemeral");
        Assert.Contains("passed several questions", ephemeral, StringComparison.Ordinal);
        await using (var db = Db())
        {
            Assert.Equal(QuestionStatus.HandedOff, (await db.Questions.SingleAsync(q => q.Id == asked[0])).Status);
            Assert.NotEqual(QuestionStatus.HandedOff, (await db.Questions.SingleAsync(q => q.Id == asked[1])).Status);
        }
    }

    [Fact]
    public async Task Someone_else_cannot_pass_on_a_question_asked_in_a_personal_chat()
    {
        await CommandAsync("U1", "when is payday");
        Guid asked;
        await using (var db = Db())
        {
            asked = (await db.WaitForQuestionsAsync(1)).Single().Id;
        }

        await HandOffAsync(_client, asked, user: "U2");

        var ephemeral = JsonNode.Parse(await WaitForAsync("/api/chat.postEphemeral"))!;
        Assert.Contains("can't find that question", (string?)ephemeral["text"], StringComparison.Ordinal);
        await using (var db = Db())
        {
            var question = await db.Questions.SingleAsync(q => q.Id == asked);
            Assert.NotEqual(QuestionStatus.HandedOff, question.Status);
            Assert.Null(question.HandedOffAt);
            Assert.False(await db.Outbox.AnyAsync(o => o.Kind == "question.hand-off"));
        }
    }

    private static async Task HandOffAsync(HttpClient client, Guid question, string user = "U1")
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user, ["name"] = "ada" },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["channel"] = new JsonObject { ["id"] = "D123" },
            ["message"] = new JsonObject { ["ts"] = "1700000000.000100" },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "qa.handoff", ["value"] = new JsonObject { ["question"] = question.ToString() }.ToJsonString() }),
        };
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, "/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()))).StatusCode);
    }

    private async Task<string> CommandAsync(string user, string text)
    {
        var response = await PostAsync(_client, "/slack/commands", $"command=%2Fcompliance&text={Uri.EscapeDataString(text)}&user_id={user}&channel_id=D{user}&team_id=T1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string> WaitForAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var hit = _slack.LogEntries.FirstOrDefault(e => e.RequestMessage.Path == path);
            if (hit is not null)
            {
                return hit.RequestMessage.Body!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no call to {path}");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(body)));
        return await client.SendAsync(request);
    }

    private ComplianceDbContext Db() => _app.Services.CreateScope().ServiceProvider.GetRequiredService<ComplianceDbContext>();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _secondInstance.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
