using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace ChatCompliance.Tests.Security;

/// <summary>
/// Hostile cases at the Teams edge: tokens minted by the test with its own keys, activities that try to act as the
/// compliance lead. Each asserts the refusal and that nothing in the store changed.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TeamsTrustTests : IAsyncLifetime
{
    private const string LeadObjectId = "aad-lead";
    private const string LeadTeamsId = "29:lead";
    private const string BookAudit = "audit add soc2-type2 2027-02-01 Forged audit";

    private readonly BotFrameworkFakes _fakes = new();
    private readonly string _data = Directory.CreateTempSubdirectory("cc-teams-trust-").FullName;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var settings = _fakes.Settings();
        settings["Storage:DataDirectory"] = _data;
        (_app, _client) = Start(settings);
        await using var db = Db();
        db.People.Add(new Person
        {
            Email = "lee@example.com",
            DisplayName = "Lee Lead",
            Roles = PersonRoles.Employee | PersonRoles.ComplianceLead,
            EntraObjectId = LeadObjectId,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    public static TheoryData<string> OtherChannels => ["webchat", "directline", "emulator", "slack", ""];

    [Theory]
    [MemberData(nameof(OtherChannels))]
    public async Task A_signed_activity_from_another_channel_with_the_leads_object_id_is_refused(string channel)
    {
        var activity = Message(BookAudit);
        activity["channelId"] = channel;

        var response = await PostAsync(activity, _fakes.Token());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_webchat_key_cannot_sign_for_webchat_as_the_lead()
    {
        var activity = Message(BookAudit);
        activity["channelId"] = "webchat";

        var response = await PostAsync(activity, _fakes.Token(key: _fakes.WebChatKey));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    public static TheoryData<string> KeysThatDoNotEndorseTeams => ["bare", "webchat"];

    [Theory]
    [MemberData(nameof(KeysThatDoNotEndorseTeams))]
    public async Task A_key_that_does_not_endorse_msteams_is_refused_even_for_msteams(string which)
    {
        var key = which == "bare" ? _fakes.BareKey : _fakes.WebChatKey;

        var response = await PostAsync(Message(BookAudit), _fakes.Token(key: key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_token_with_no_key_id_is_refused_even_when_its_key_is_published()
    {
        // The same RSA key as the endorsed one, but the header names no kid: the validator must not try every key.
        var anonymous = new RsaSecurityKey(_fakes.Key.Rsa);

        var response = await PostAsync(Message(BookAudit), _fakes.Token(key: anonymous));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_token_whose_key_id_is_unknown_is_refused_even_when_it_names_a_published_key_body()
    {
        using var rsa = RSA.Create(2048);
        var response = await PostAsync(Message(BookAudit), _fakes.Token(key: new RsaSecurityKey(rsa) { KeyId = "never-published" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    public static TheoryData<string> ForeignTenants => ["tenant-2", "", "TENANT-1-other"];

    [Theory]
    [MemberData(nameof(ForeignTenants))]
    public async Task An_activity_from_another_tenant_is_refused(string tenant)
    {
        var activity = Message(BookAudit, tenant: tenant);

        var response = await PostAsync(activity, _fakes.Token());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task Conversation_and_channel_data_naming_different_tenants_are_refused()
    {
        var activity = Message(BookAudit);
        activity["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-2" } };

        var response = await PostAsync(activity, _fakes.Token());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    private static (string Why, string Url)[] ServiceUrlVariants(string serviceUrl) =>
    [
        ("other host", serviceUrl.Contains("127.0.0.1", StringComparison.Ordinal)
            ? serviceUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal)
            : serviceUrl.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)),
        ("other path", serviceUrl + "extra/"),
        ("path prefix only", serviceUrl.TrimEnd('/') + "x/"),
        ("query string", serviceUrl + "?next=https://attacker.example/"),
        ("https instead of http", serviceUrl.Replace("http://", "https://", StringComparison.Ordinal)),
        ("user info", serviceUrl.Replace("http://", "http://lead@", StringComparison.Ordinal)),
    ];

    [Fact]
    public async Task A_service_url_that_differs_from_the_tokens_claim_is_refused()
    {
        foreach (var (why, variant) in ServiceUrlVariants(_fakes.ServiceUrl))
        {
            var activity = Message(BookAudit);
            activity["serviceUrl"] = variant;

            var response = await PostAsync(activity, _fakes.Token());

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
        }

        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_service_url_off_the_allow_list_is_refused_even_when_claim_and_activity_agree()
    {
        const string attacker = "https://attacker.example/connector/";
        var activity = Message(BookAudit);
        activity["serviceUrl"] = attacker;

        var response = await PostAsync(activity, _fakes.Token(serviceUrl: attacker));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    [Fact]
    public async Task A_trailing_slash_is_the_only_difference_allowed_between_claim_and_service_url()
    {
        var response = await PostAsync(Message("help"), _fakes.Token(serviceUrl: _fakes.ServiceUrl.TrimEnd('/')));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_stranger_with_the_leads_name_in_the_activity_and_the_token_is_not_the_lead()
    {
        var claims = new Dictionary<string, string> { ["name"] = "Lee Lead", ["email"] = "lee@example.com", ["preferred_username"] = "lee@example.com" };

        var response = await PostAsync(Message(BookAudit, from: "29:stranger", aad: "aad-stranger", name: "Lee Lead"), _fakes.Token(claims: claims));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = Db();
        Assert.Empty(await db.Audits.ToListAsync());
        Assert.DoesNotContain(await db.AuditTrail.ToListAsync(), e => e.Actor.Contains("lee", StringComparison.OrdinalIgnoreCase));
        Assert.Null((await db.People.SingleAsync(p => p.EntraObjectId == LeadObjectId)).TeamsUserId);
    }

    [Fact]
    public async Task The_leads_first_verified_activity_binds_their_Teams_id_and_a_later_disagreeing_one_is_refused_and_reported()
    {
        // The lead's own first message binds 29:lead to the lead, on the directory's word (the object id), audited.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Message("help"), _fakes.Token())).StatusCode);
        await using (var db = Db())
        {
            Assert.Equal(LeadTeamsId, (await db.People.SingleAsync(p => p.EntraObjectId == LeadObjectId)).TeamsUserId);
            Assert.Single(await db.AuditTrail.Where(e => e.Action == "person.teams_linked").ToListAsync());
        }

        // The same Teams id with no object id, or another person's object id, is not the lead.
        var withoutObjectId = await PostAsync(Message(BookAudit, conversation: "a:other", aad: null), _fakes.Token());
        var otherObjectId = await PostAsync(Message(BookAudit, conversation: "a:other", aad: "aad-someone-else"), _fakes.Token());
        // The lead's object id from another Teams id does not re-bind them.
        var otherTeamsId = await PostAsync(Message(BookAudit, conversation: "a:forged", from: "29:forged"), _fakes.Token());

        Assert.Equal(HttpStatusCode.Forbidden, withoutObjectId.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherObjectId.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherTeamsId.StatusCode);
        await using (var db = Db())
        {
            Assert.Equal(LeadTeamsId, (await db.People.SingleAsync(p => p.EntraObjectId == LeadObjectId)).TeamsUserId);
            Assert.Empty(await db.Audits.ToListAsync());
            Assert.DoesNotContain(await db.ConversationReferences.ToListAsync(), c => c.ConversationId is "a:other" or "a:forged");
            var refusals = await db.AuditTrail.Where(e => e.Action == "identity.mismatch_refused").ToListAsync();
            Assert.Equal(3, refusals.Count);
            // One alert card per disagreeing pair for the lead, through the outbox.
            var alerts = await db.Outbox.Where(o => o.Kind == "security.identity_mismatch").ToListAsync();
            Assert.Equal(3, alerts.Count);
            Assert.All(alerts, a => Assert.Contains("identity mismatch", a.Payload, StringComparison.OrdinalIgnoreCase));
        }

        // The same forged pair again is refused without a second alert.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(Message(BookAudit, conversation: "a:forged", from: "29:forged"), _fakes.Token())).StatusCode);
        await using (var db = Db())
        {
            Assert.Equal(3, await db.Outbox.CountAsync(o => o.Kind == "security.identity_mismatch"));
        }
    }

    [Fact]
    public async Task A_card_click_with_a_disagreeing_identity_is_refused_in_the_invoke_response()
    {
        await PostAsync(Message("help"), _fakes.Token()); // binds 29:lead
        var invoke = Activity("invoke", "a:forged", "29:forged", LeadObjectId, "Lee Lead", "tenant-1");
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "help", ["data"] = new JsonObject() } };

        var response = await PostAsync(invoke, _fakes.Token());

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(403, (int)body["statusCode"]!);
        Assert.Contains("confirm who you are", (string?)body["value"]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_mode_accepts_the_local_tools_channels_only()
    {
        var settings = _fakes.Settings(authenticated: false);
        settings["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("cc-teams-local-").FullName;
        var (app, client) = Start(settings);
        await using (app)
        {
            using (client)
            {
                var webChat = Message("help");
                webChat["channelId"] = "webchat";
                var emulator = Message("help", conversation: "a:emulator");
                emulator["channelId"] = "emulator";

                Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/messages", Json(webChat))).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/messages", Json(emulator))).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/messages", Json(Message("help", conversation: "a:playground")))).StatusCode);
            }
        }
    }

    private async Task AssertNothingChangedAsync()
    {
        Assert.Empty(_fakes.ConnectorCalls());
        await using var db = Db();
        Assert.Empty(await db.Audits.ToListAsync());
        Assert.Empty(await db.ConversationReferences.ToListAsync());
        Assert.Empty(await db.Questions.ToListAsync());
        Assert.Empty(await db.AuditTrail.ToListAsync());
        Assert.Empty(await db.Outbox.ToListAsync());
        Assert.Null((await db.People.SingleAsync(p => p.EntraObjectId == LeadObjectId)).TeamsUserId);
    }

    private JsonObject Activity(string type, string conversation, string from, string? aad, string name, string tenant) => new()
    {
        ["type"] = type,
        ["id"] = "act-" + Guid.NewGuid().ToString("N"),
        ["channelId"] = "msteams",
        ["serviceUrl"] = _fakes.ServiceUrl,
        ["from"] = new JsonObject { ["id"] = from, ["name"] = name, ["aadObjectId"] = aad },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
        ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = "personal", ["tenantId"] = tenant },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenant } },
    };

    private JsonObject Message(string text, string conversation = "a:lead-conv", string from = LeadTeamsId, string? aad = LeadObjectId, string name = "Lee Lead", string tenant = "tenant-1")
    {
        var activity = Activity("message", conversation, from, aad, name, tenant);
        activity["text"] = text;
        return activity;
    }

    private static StringContent Json(JsonObject activity) => new(activity.ToJsonString(), Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = Json(activity) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await _client.SendAsync(request);
        await OutboxWait.RepliesSentAsync(_app.Services, (string?)activity["id"]);
        return response;
    }

    private static (ComplianceApp App, HttpClient Client) Start(Dictionary<string, string?> settings)
    {
        var app = new ComplianceApp(settings);
        return (app, app.CreateClient());
    }

    private ComplianceDbContext Db() => _app.Services.CreateScope().ServiceProvider.GetRequiredService<ComplianceDbContext>();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _fakes.Dispose();
    }
}
