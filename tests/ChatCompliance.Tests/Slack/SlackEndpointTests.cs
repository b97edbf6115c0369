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
using WireMock.Settings;

namespace ChatCompliance.Tests.Slack;

/// <summary>The Slack endpoints over HTTP, signed like Slack signs, with WireMock as the Web API.</summary>
[Collection(AppCollection.Name)]
public sealed class SlackEndpointTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private readonly string _data = Directory.CreateTempSubdirectory("cc-slack-").FullName;
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        var port = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var free = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        _slack = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{free}"] });
        _slack.Given(Request.Create().WithPath("/api/users.info").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"user":{"id":"U1","team_id":"T1","name":"ada","real_name":"Ada Lovelace","is_bot":false,"deleted":false,"profile":{"email":"Ada@Example.com"}}}"""));
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"channel":"D123","ts":"1700000000.000100","message_ts":"1700000000.000200","view":{"id":"V1","hash":"h"}}"""));
        _app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = Secret,
            ["Slack:ApiBaseUrl"] = $"{_slack.Urls[0]}/api/",
        });
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Unsigned_stale_future_and_tampered_requests_are_refused_and_change_nothing()
    {
        const string body = "command=%2Fcompliance&text=help&user_id=U1&channel_id=D123&team_id=T1";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/slack/commands", body, form: true, timestamp: null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/slack/commands", body, form: true, timestamp: now - 600)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/slack/commands", body, form: true, timestamp: now + 600)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/slack/commands", body, form: true, signFor: body.Replace("help", "tasks", StringComparison.Ordinal))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync("/slack/commands", body + "&x=" + new string('a', 70_000), form: true)).StatusCode);

        await using var db = Db();
        Assert.Empty(await db.ConversationReferences.ToListAsync());
        Assert.Empty(_slack.LogEntries);
    }

    [Fact]
    public async Task A_slack_user_is_linked_by_email_to_the_person_known_from_teams()
    {
        await using (var db = Db())
        {
            db.People.Add(new Person { Email = "ada@example.com", DisplayName = "Ada", TeamsUserId = "29:ada", EntraObjectId = "aad-ada", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var response = await PostAsync("/slack/commands", "command=%2Fcompliance&text=help&user_id=U1&channel_id=D123&team_id=T1", form: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Linked before the answer, not after it: the first command already sees the person.
        await using (var db = Db())
        {
            var person = await db.People.SingleAsync();
            Assert.Equal("U1", person.SlackUserId);
            Assert.Equal("T1", person.SlackTeamId);
            Assert.Equal("29:ada", person.TeamsUserId);
            Assert.Equal(person.Id, (await db.ConversationReferences.SingleAsync(c => c.Platform == Platform.Slack)).PersonId);
        }
    }

    [Fact]
    public async Task Url_verification_returns_the_challenge()
    {
        var response = await PostAsync("/slack/events", """{"type":"url_verification","challenge":"3eZbrw1aB"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3eZbrw1aB", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["challenge"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_slash_command_answers_ephemerally_with_citations()
    {
        var response = await PostAsync("/slack/commands", "command=%2Fcompliance&text=ask+is+soc2+a+certification&user_id=U1&channel_id=D123&team_id=T1&response_url=x", form: true);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", body["response_type"]!.GetValue<string>());
        Assert.Contains("attestation", body["blocks"]!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(body["text"]!.GetValue<string>()));
        await using var db = Db();
        Assert.Equal(Platform.Slack, Assert.Single(await db.WaitForQuestionsAsync()).AskedOn);
    }

    [Fact]
    public async Task A_direct_message_is_answered_through_the_web_api_once_even_when_slack_retries()
    {
        const string envelope = """{"type":"event_callback","team_id":"T1","event_id":"Ev01","event":{"type":"message","channel_type":"im","channel":"D123","user":"U1","text":"what is cc6.1","ts":"1.2"}}""";

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/slack/events", envelope)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/slack/events", envelope, retry: true)).StatusCode);

        var posts = await WaitForAsync("/api/chat.postMessage", 1);
        await Task.Delay(500);
        var post = Assert.Single(_slack.LogEntries, e => e.RequestMessage.Path == "/api/chat.postMessage");
        var sent = JsonNode.Parse(post.RequestMessage.Body!)!;
        Assert.Equal("D123", sent["channel"]!.GetValue<string>());
        Assert.Contains("CC6.1", sent["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("Bearer test-bot-token", post.RequestMessage.Headers!["Authorization"][0]);
        Assert.Single(posts);
    }

    [Fact]
    public async Task Opening_the_home_tab_publishes_it()
    {
        await PostAsync("/slack/events", """{"type":"event_callback","team_id":"T1","event_id":"Ev02","event":{"type":"app_home_opened","user":"U1","channel":"D123","tab":"home"}}""");

        var published = await WaitForAsync("/api/views.publish", 1);
        var sent = JsonNode.Parse(published[0].RequestMessage.Body!)!;
        Assert.Equal("U1", sent["user_id"]!.GetValue<string>());
        Assert.Equal("home", sent["view"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Handing_off_from_a_block_action_updates_the_message()
    {
        await PostAsync("/slack/commands", "command=%2Fcompliance&text=when+is+payday&user_id=U1&channel_id=D123&team_id=T1", form: true);
        Guid question;
        await using (var db = Db())
        {
            question = Assert.Single(await db.WaitForQuestionsAsync()).Id;
        }

        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = "U1", ["name"] = "ada" },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["channel"] = new JsonObject { ["id"] = "D123" },
            ["message"] = new JsonObject { ["ts"] = "1700000000.000100" },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "qa.handoff", ["value"] = new JsonObject { ["question"] = question.ToString() }.ToJsonString() }),
        };

        var response = await PostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), form: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updates = await WaitForAsync("/api/chat.update", 1);
        Assert.Equal("1700000000.000100", JsonNode.Parse(updates[0].RequestMessage.Body!)!["ts"]!.GetValue<string>());
        await using (var db = Db())
        {
            Assert.Equal(QuestionStatus.HandedOff, (await db.Questions.SingleAsync()).Status);
        }
    }

    [Fact]
    public async Task A_modal_submitted_without_its_required_field_gets_a_field_error()
    {
        var payload = new JsonObject
        {
            ["type"] = "view_submission",
            ["user"] = new JsonObject { ["id"] = "U1" },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["view"] = new JsonObject
            {
                ["callback_id"] = "qa.answer",
                ["private_metadata"] = new JsonObject { ["question"] = Guid.NewGuid().ToString() }.ToJsonString(),
                ["blocks"] = new JsonArray(new JsonObject { ["type"] = "input", ["block_id"] = "answer" }),
                ["state"] = new JsonObject { ["values"] = new JsonObject { ["answer"] = new JsonObject { ["answer"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "  " } } } },
            },
        };

        var response = await PostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), form: true);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("errors", body["response_action"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["errors"]!["answer"]!.GetValue<string>()));
        await using var db = Db();
        Assert.Empty(await db.Questions.ToListAsync());
    }

    [Fact]
    public async Task A_lead_answers_from_the_message_input_and_the_answer_reaches_the_asker()
    {
        await using (var db = Db())
        {
            db.People.Add(new Person { Email = "lead@example.com", DisplayName = "Lea", Roles = PersonRoles.ComplianceLead, SlackUserId = "ULEAD", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await PostAsync("/slack/commands", "command=%2Fcompliance&text=when+is+payday&user_id=U1&channel_id=D123&team_id=T1", form: true);
        Guid question;
        await using (var db = Db())
        {
            var askedId = Assert.Single(await db.WaitForQuestionsAsync()).Id;
            var asked = await db.Questions.SingleAsync(q => q.Id == askedId);
            asked.Status = QuestionStatus.HandedOff;
            await db.SaveChangesAsync();
            question = asked.Id;
        }

        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = "ULEAD" },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["channel"] = new JsonObject { ["id"] = "DLEAD" },
            ["message"] = new JsonObject { ["ts"] = "1700000000.000300" },
            ["state"] = new JsonObject { ["values"] = new JsonObject { ["answer"] = new JsonObject { ["answer"] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "The 25th." } } } },
            ["actions"] = new JsonArray(new JsonObject { ["action_id"] = "qa.answer", ["value"] = new JsonObject { ["question"] = question.ToString() }.ToJsonString() }),
        };

        await PostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), form: true);

        var posts = await WaitForAsync("/api/chat.postMessage", 1);
        Assert.Contains(posts, p => p.RequestMessage.Body!.Contains("The 25th.", StringComparison.Ordinal) && p.RequestMessage.Body.Contains("D123", StringComparison.Ordinal));
        await using (var db = Db())
        {
            Assert.Equal(QuestionStatus.AnsweredByLead, (await db.Questions.SingleAsync()).Status);
        }
    }

    private async Task<List<WireMock.Logging.ILogEntry>> WaitForAsync(string path, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var hits = _slack.LogEntries.Where(e => e.RequestMessage.Path == path).ToList();
            if (hits.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(hits.Count >= count, $"{path}: {hits.Count} calls");
                return hits;
            }

            await Task.Delay(100);
        }
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, bool form = false, long? timestamp = -1, string? signFor = null, bool retry = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, form ? "application/x-www-form-urlencoded" : "application/json"),
        };
        if (timestamp is not null)
        {
            var ts = (timestamp == -1 ? DateTimeOffset.UtcNow.ToUnixTimeSeconds() : timestamp.Value).ToString(System.Globalization.CultureInfo.InvariantCulture);
            request.Headers.Add("X-Slack-Request-Timestamp", ts);
            request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(signFor ?? body)));
        }

        if (retry)
        {
            request.Headers.Add("X-Slack-Retry-Num", "1");
            request.Headers.Add("X-Slack-Retry-Reason", "http_timeout");
        }

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
