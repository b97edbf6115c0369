using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace ChatCompliance.Tests.Teams;

/// <summary>The Teams endpoint over HTTP, with WireMock as OpenID metadata, token endpoint and connector.</summary>
[Collection(AppCollection.Name)]
public sealed class TeamsEndpointTests : IAsyncLifetime
{
    private readonly BotFrameworkFakes _fakes = new();
    private readonly string _data = Directory.CreateTempSubdirectory("cc-teams-").FullName;
    private ComplianceApp _app = null!;
    private int _activities;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        var settings = _fakes.Settings();
        settings["Storage:DataDirectory"] = _data;
        _app = new ComplianceApp(settings);
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_question_gets_an_answer_card_with_citations_as_a_reply()
    {
        var response = await PostAsync(Message("is soc2 a certification?"), _fakes.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(_fakes.ConnectorCalls());
        Assert.Equal("/connector/v3/conversations/a:conv-1/activities/act-1", reply.RequestMessage.Path);
        Assert.Equal("Bearer outbound-test-token", reply.RequestMessage.Headers!["Authorization"][0]);
        var card = Card(reply.RequestMessage.Body!);
        Assert.Equal("1.5", card["version"]!.GetValue<string>());
        Assert.Contains("attestation", card.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("CC", card.ToJsonString(), StringComparison.Ordinal);
        await using var db = Db();
        var question = Assert.Single(await db.WaitForQuestionsAsync());
        Assert.Equal(QuestionStatus.Answered, question.Status);
        Assert.Equal(Platform.Teams, question.AskedOn);
    }

    [Fact]
    public async Task A_channel_mention_is_stripped_before_answering()
    {
        var activity = Message("<at>ChatCompliance</at> help");
        activity["conversation"]!["conversationType"] = "channel";

        await PostAsync(activity, _fakes.Token());

        var reply = Assert.Single(_fakes.ConnectorCalls());
        Assert.Contains("my tasks", Card(reply.RequestMessage.Body!).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leads_first_message_is_handled_as_the_lead_and_binds_their_teams_id()
    {
        await using (var db = Db())
        {
            db.People.Add(new Person
            {
                Email = "lead@example.com", DisplayName = "Lena Lead", EntraObjectId = "aad-user-1", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var response = await PostAsync(Message("audit add soc2-type2 2030-09-01 SOC 2 Type 2 2030 period 2030-01-01 to 2030-06-30"), _fakes.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Only a compliance lead", Assert.Single(_fakes.ConnectorCalls()).RequestMessage.Body!, StringComparison.Ordinal);
        await using (var db = Db())
        {
            Assert.Equal("SOC 2 Type 2 2030", Assert.Single(await db.Audits.ToListAsync()).Name);
            Assert.Equal("29:user-1", (await db.People.SingleAsync()).TeamsUserId);
        }
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", "expired" },
        { "not yet valid", "future" },
        { "wrong audience", "audience" },
        { "wrong issuer", "issuer" },
        { "unsigned", "none" },
        { "HS256", "hs256" },
        { "unknown key id", "kid" },
        { "serviceurl claim differs from the activity", "serviceurl" },
        { "no token at all", "missing" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Invalid_tokens_are_refused_and_nothing_is_stored_or_sent(string why, string kind)
    {
        var now = DateTime.UtcNow;
        using var otherRsa = RSA.Create(2048);
        var token = kind switch
        {
            "expired" => _fakes.Token(notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "future" => _fakes.Token(notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "audience" => _fakes.Token(audience: "someone-else"),
            "issuer" => _fakes.Token(issuer: "https://evil.example"),
            "none" => BotFrameworkFakes.UnsignedToken(),
            "hs256" => _fakes.Token(key: new SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 64))), algorithm: SecurityAlgorithms.HmacSha256),
            "kid" => _fakes.Token(key: new RsaSecurityKey(otherRsa) { KeyId = "unknown-key" }),
            "serviceurl" => _fakes.Token(serviceUrl: "https://attacker.example/"),
            _ => null,
        };

        var response = await PostAsync(Message("is soc2 a certification?"), token);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
        Assert.Empty(_fakes.ConnectorCalls());
        await using var db = Db();
        Assert.Empty(await db.Questions.ToListAsync());
        Assert.Empty(await db.ConversationReferences.ToListAsync());
    }

    [Fact]
    public async Task A_key_not_endorsed_for_the_channel_is_refused()
    {
        var activity = Message("hello");
        activity["channelId"] = "webchat";

        var response = await PostAsync(activity, _fakes.Token());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_fakes.ConnectorCalls());
    }

    [Fact]
    public async Task A_tenant_outside_the_allow_list_is_refused()
    {
        var settings = _fakes.Settings();
        settings["Storage:DataDirectory"] = _data;
        settings["MicrosoftAppType"] = "MultiTenant";
        settings["Teams:AllowedTenants:0"] = "tenant-allowed";
        await using var app = new ComplianceApp(settings);
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(Message("hello").ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _fakes.Token());

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_fakes.ConnectorCalls());
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_are_refused()
    {
        using var malformed = new StringContent("{ not json", Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = malformed };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _fakes.Token());
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.SendAsync(request)).StatusCode);

        var huge = Message(new string('x', 300 * 1024));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(huge, _fakes.Token())).StatusCode);
        Assert.Empty(_fakes.ConnectorCalls());
    }

    [Fact]
    public async Task Installing_stores_the_conversation_and_welcomes_once_and_removing_forgets_it()
    {
        var install = Activity("installationUpdate");
        install["action"] = "add";
        var update = Activity("conversationUpdate");
        update["membersAdded"] = new JsonArray(new JsonObject { ["id"] = "28:bot" });

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(install, _fakes.Token())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(update, _fakes.Token())).StatusCode);

        var welcome = Assert.Single(_fakes.ConnectorCalls());
        Assert.Equal("/connector/v3/conversations/a:conv-1/activities", welcome.RequestMessage.Path);
        await using (var db = Db())
        {
            var reference = Assert.Single(await db.ConversationReferences.ToListAsync());
            Assert.Equal(_fakes.ServiceUrl, reference.ServiceUrl);
            Assert.Equal("tenant-1", reference.TenantId);
            Assert.Equal("29:user-1", reference.UserId);
        }

        var remove = Activity("installationUpdate");
        remove["action"] = "remove";
        await PostAsync(remove, _fakes.Token());
        await using (var db = Db())
        {
            Assert.Empty(await db.ConversationReferences.ToListAsync());
        }
    }

    [Fact]
    public async Task Every_question_of_a_burst_is_stored_even_when_the_app_stops_right_after()
    {
        var token = _fakes.Token();
        // Four people, ten questions each: within the per-person limit (RateLimits:QuestionsPerMinute, 30).
        var burst = Enumerable.Range(0, 40).Select(i => PostAsync(Message($"question {i}: is soc2 a certification?", conversation: $"a:conv-{i % 4}", from: $"29:user-{i % 4}", aad: $"aad-user-{i % 4}"), token));
        Assert.All(await Task.WhenAll(burst), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        _client.Dispose();
        await _app.DisposeAsync(); // questions are written in batches off the request path: stopping drains the queue

        var options = new DbContextOptionsBuilder<SqliteComplianceDbContext>().UseSqlite($"Data Source={Path.Combine(_data, "chatcompliance.db")}").Options;
        await using var db = new SqliteComplianceDbContext(options);
        var stored = await db.Questions.Select(q => q.Text).ToListAsync();
        Assert.Equal(40, stored.Count);
        Assert.Equal(40, stored.Distinct().Count());
        var restart = _fakes.Settings();
        restart["Storage:DataDirectory"] = _data; // for DisposeAsync (never the developer's own data folder)
        _app = new ComplianceApp(restart);
        _client = _app.CreateClient();
    }

    [Fact]
    public async Task Unknown_activity_types_are_acknowledged_and_ignored()
    {
        var response = await PostAsync(Activity("typing"), _fakes.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_fakes.ConnectorCalls());
    }

    [Fact]
    public async Task Handing_off_an_unanswered_question_notifies_the_leads_once_and_their_answer_comes_back()
    {
        var lead = new Person { Email = "lead@example.com", DisplayName = "Lea Lead", Roles = PersonRoles.ComplianceLead, EntraObjectId = "aad-lead", CreatedAt = DateTimeOffset.UtcNow };
        await using (var db = Db())
        {
            db.People.Add(lead);
            await db.SaveChangesAsync();
        }

        // The lead has talked to the bot before, so a personal conversation exists.
        await PostAsync(Message("help", conversation: "a:lead-conv", from: "29:lead", aad: "aad-lead"), _fakes.Token());
        await PostAsync(Message("when is payday"), _fakes.Token());
        Guid questionId;
        await using (var db = Db())
        {
            var question = Assert.Single(await db.WaitForQuestionsAsync());
            Assert.Equal(QuestionStatus.Abstained, question.Status);
            questionId = question.Id;
        }

        var before = _fakes.ConnectorCalls().Count;
        var first = await PostAsync(Invoke("qa.handoff", new JsonObject { ["question"] = questionId.ToString() }), _fakes.Token());
        var second = await PostAsync(Invoke("qa.handoff", new JsonObject { ["question"] = questionId.ToString() }), _fakes.Token());

        var body = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal(200, body["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", body["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await OutboxWait.DrainedAsync(_app.Services); // the lead's card goes out through the outbox
        var toLead = _fakes.ConnectorCalls().Skip(before).ToList();
        Assert.Single(toLead);
        Assert.Equal("/connector/v3/conversations/a:lead-conv/activities", toLead[0].RequestMessage.Path);
        Assert.Contains("when is payday", toLead[0].RequestMessage.Body, StringComparison.Ordinal);

        var answer = Invoke("qa.answer", new JsonObject { ["question"] = questionId.ToString(), ["answer"] = "The 25th of each month." }, conversation: "a:lead-conv", from: "29:lead", aad: "aad-lead");
        await PostAsync(answer, _fakes.Token());
        await OutboxWait.DrainedAsync(_app.Services);

        var calls = _fakes.ConnectorCalls();
        var backToAsker = calls[^1];
        Assert.Equal("/connector/v3/conversations/a:conv-1/activities", backToAsker.RequestMessage.Path);
        Assert.Contains("The 25th of each month.", backToAsker.RequestMessage.Body, StringComparison.Ordinal);
        await using (var db = Db())
        {
            var question = await db.Questions.SingleAsync(q => q.Id == questionId);
            Assert.Equal(QuestionStatus.AnsweredByLead, question.Status);
            Assert.Equal(lead.Id, question.AnsweredById);
        }
    }

    [Fact]
    public async Task Someone_who_is_not_a_lead_cannot_answer_a_handed_off_question()
    {
        var response = await PostAsync(Invoke("qa.answer", new JsonObject { ["question"] = Guid.NewGuid().ToString(), ["answer"] = "hijack" }), _fakes.Token());

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("Only a compliance lead", body["value"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Action_Submit_fallback_is_handled_like_the_invoke()
    {
        var activity = Message("");
        activity["value"] = new JsonObject { ["verb"] = "help" };

        await PostAsync(activity, _fakes.Token());

        Assert.Contains("my tasks", Card(Assert.Single(_fakes.ConnectorCalls()).RequestMessage.Body!).ToJsonString(), StringComparison.Ordinal);
    }

    private JsonObject Activity(string type, string conversation = "a:conv-1", string from = "29:user-1", string? aad = "aad-user-1") => new()
    {
        ["type"] = type,
        ["id"] = $"act-{Interlocked.Increment(ref _activities)}",
        ["channelId"] = "msteams",
        ["serviceUrl"] = _fakes.ServiceUrl,
        ["from"] = new JsonObject { ["id"] = from, ["name"] = "Ada User", ["aadObjectId"] = aad },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
        ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
    };

    private JsonObject Message(string text, string conversation = "a:conv-1", string from = "29:user-1", string? aad = "aad-user-1")
    {
        var activity = Activity("message", conversation, from, aad);
        activity["text"] = text;
        return activity;
    }

    private JsonObject Invoke(string verb, JsonObject data, string conversation = "a:conv-1", string from = "29:user-1", string? aad = "aad-user-1")
    {
        var activity = Activity("invoke", conversation, from, aad);
        activity["name"] = "adaptiveCard/action";
        activity["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data }, ["trigger"] = "manual" };
        return activity;
    }

    private async Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await _client.SendAsync(request);
        await OutboxWait.RepliesSentAsync(_app.Services, (string?)activity["id"]);
        return response;
    }

    private static JsonObject Card(string body) =>
        JsonNode.Parse(body)!["attachments"]![0]!["content"]!.AsObject();

    private ComplianceDbContext Db() => _app.Services.CreateScope().ServiceProvider.GetRequiredService<ComplianceDbContext>();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _fakes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
