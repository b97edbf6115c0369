using System.Diagnostics;
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
/// A person's first request on Slack, before their Slack user is linked to them: handled as them on the first try,
/// or, when Slack cannot say who they are in time, a polite message and nothing done.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SlackFirstContactTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private const string BookAudit = "audit+add+soc2-type2+2030-09-01+SOC+2+Type+2+2030+period+2030-01-01+to+2030-06-30";
    private readonly string _data = Directory.CreateTempSubdirectory("cc-slack-first-").FullName;
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _slack = LoopbackWireMock.Start();
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"D123","ts":"1700000000.000100"}"""));
        _app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = Secret,
            ["Slack:ApiBaseUrl"] = $"{LoopbackWireMock.Url(_slack)}/api/",
            ["Slack:IdentityTimeout"] = "00:00:00.500",
        });
        _client = _app.CreateClient();
        await using var db = Db();
        db.People.Add(new Person
        {
            Email = "lead@example.com", DisplayName = "Lena Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_leads_first_slash_command_is_handled_as_the_lead()
    {
        UsersInfo(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"ok":true,"user":{"id":"U9","team_id":"T1","name":"lena","is_bot":false,"deleted":false,"profile":{"email":"Lead@Example.com"}}}"""));

        var reply = await CommandAsync(BookAudit);

        Assert.DoesNotContain("Only a compliance lead", reply, StringComparison.Ordinal);
        await using var db = Db();
        Assert.Equal("SOC 2 Type 2 2030", Assert.Single(await db.Audits.ToListAsync()).Name);
        Assert.Equal("U9", (await db.People.SingleAsync()).SlackUserId);
    }

    [Fact]
    public async Task A_leads_first_mention_is_handled_as_the_lead()
    {
        UsersInfo(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"ok":true,"user":{"id":"U9","team_id":"T1","name":"lena","is_bot":false,"deleted":false,"profile":{"email":"lead@example.com"}}}"""));
        const string envelope = """{"type":"event_callback","team_id":"T1","event_id":"Ev77","event":{"type":"app_mention","channel":"C1","user":"U9","text":"<@UBOT> audit add soc2-type2 2030-09-01 SOC 2 Type 2 2030 period 2030-01-01 to 2030-06-30","ts":"1.2"}}""";

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/slack/events", envelope, form: false)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        await using var db = Db();
        while (!await db.Audits.AnyAsync() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal("SOC 2 Type 2 2030", Assert.Single(await db.Audits.ToListAsync()).Name);
    }

    [Fact]
    public async Task When_slack_cannot_say_who_sent_a_command_the_reply_is_polite_and_nothing_changes()
    {
        UsersInfo(Response.Create().WithStatusCode(503).WithBody("down"));

        var reply = await CommandAsync(BookAudit);

        Assert.Contains("couldn't confirm who you are", reply, StringComparison.Ordinal);
        Assert.Contains("try again in a minute", reply, StringComparison.Ordinal);
        await using var db = Db();
        Assert.Empty(await db.Audits.ToListAsync());
        Assert.Null((await db.People.SingleAsync()).SlackUserId);
        Assert.Empty(await db.ConversationReferences.ToListAsync());
        Assert.Empty(await db.Questions.ToListAsync());
    }

    [Fact]
    public async Task A_slow_slack_directory_gets_a_polite_reply_within_slacks_three_seconds()
    {
        UsersInfo(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithDelay(TimeSpan.FromSeconds(10))
            .WithBody("""{"ok":true,"user":{"id":"U9","team_id":"T1","is_bot":false,"deleted":false,"profile":{"email":"lead@example.com"}}}"""));

        await PostAsync("/slack/events", """{"type":"url_verification","challenge":"warm"}""", form: false); // a warm app: the clock measures the wait
        var clock = Stopwatch.StartNew();
        var reply = await CommandAsync(BookAudit);

        // Slack:IdentityTimeout is half a second here; Slack itself allows three for the whole answer.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"answered after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Contains("couldn't confirm who you are", reply, StringComparison.Ordinal);
        await using var db = Db();
        Assert.Empty(await db.Audits.ToListAsync());
        Assert.Null((await db.People.SingleAsync()).SlackUserId);
    }

    [Fact]
    public async Task A_click_from_a_user_slack_cannot_identify_gets_a_polite_ephemeral_and_changes_nothing()
    {
        UsersInfo(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"ok":false,"error":"ratelimited"}"""));
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["user"] = new JsonObject { ["id"] = "U9", ["name"] = "lena" },
            ["channel"] = new JsonObject { ["id"] = "D123" },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1.2" },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "qa.handoff", ["value"] = """{"question":"00000000-0000-0000-0000-000000000001"}""" }),
        };

        var response = await PostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), form: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!_slack.LogEntries.Any(e => e.RequestMessage.Path == "/api/chat.postEphemeral") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        var ephemeral = Assert.Single(_slack.LogEntries, e => e.RequestMessage.Path == "/api/chat.postEphemeral");
        Assert.Contains("couldn't confirm who you are", JsonNode.Parse(ephemeral.RequestMessage.Body!)!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(_slack.LogEntries, e => e.RequestMessage.Path is "/api/chat.update" or "/api/chat.postMessage");
        await using var db = Db();
        Assert.Null((await db.People.SingleAsync()).SlackUserId);
        Assert.Empty(await db.ConversationReferences.ToListAsync());
    }

    [Fact]
    public async Task A_question_from_someone_slack_cannot_identify_is_answered_without_asking_slack_who_they_are()
    {
        UsersInfo(Response.Create().WithStatusCode(503).WithBody("down"));

        var reply = await CommandAsync("what+is+cc6.1");

        Assert.Contains("CC6.1", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("couldn't confirm", reply, StringComparison.Ordinal);
        Assert.DoesNotContain(_slack.LogEntries, e => e.RequestMessage.Path == "/api/users.info");
        await using var db = Db();
        var question = Assert.Single(await db.WaitForQuestionsAsync(1));
        Assert.Null(question.AskedById); // asked by nobody known: nothing was linked
        Assert.Null((await db.People.SingleAsync()).SlackUserId);
    }

    [Fact]
    public async Task After_a_question_the_same_persons_first_command_is_still_handled_as_the_lead()
    {
        UsersInfo(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"ok":true,"user":{"id":"U9","team_id":"T1","name":"lena","is_bot":false,"deleted":false,"profile":{"email":"lead@example.com"}}}"""));

        Assert.Contains("CC6.1", await CommandAsync("ask+what+is+cc6.1"), StringComparison.Ordinal);
        Assert.DoesNotContain(_slack.LogEntries, e => e.RequestMessage.Path == "/api/users.info");
        var reply = await CommandAsync(BookAudit);

        Assert.DoesNotContain("Only a compliance lead", reply, StringComparison.Ordinal);
        await using var db = Db();
        Assert.Equal("SOC 2 Type 2 2030", Assert.Single(await db.Audits.ToListAsync()).Name);
        Assert.Equal("U9", (await db.People.SingleAsync()).SlackUserId);
    }

    private void UsersInfo(IResponseBuilder response) =>
        _slack.Given(Request.Create().WithPath("/api/users.info").UsingGet()).AtPriority(1).RespondWith(response);

    private async Task<string> CommandAsync(string text)
    {
        var response = await PostAsync("/slack/commands", $"command=%2Fcompliance&text={text}&user_id=U9&channel_id=D123&team_id=T1", form: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["text"]!.GetValue<string>() + "\n" + body["blocks"]?.ToJsonString();
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, bool form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, form ? "application/x-www-form-urlencoded" : "application/json"),
        };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(body)));
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
