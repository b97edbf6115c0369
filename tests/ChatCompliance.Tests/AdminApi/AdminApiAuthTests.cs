using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using static ChatCompliance.Tests.AdminApi.Problems;

namespace ChatCompliance.Tests.AdminApi;

/// <summary>Who may call the admin API: Entra ID tokens from a WireMock tenant signed with the test's RSA key, and API keys.</summary>
[Collection(AppCollection.Name)]
public sealed class AdminApiAuthTests(EntraAdminApiFixture fixture) : IClassFixture<EntraAdminApiFixture>
{
    private const string Lead = "Compliance.Lead";
    private const string Admin = "Compliance.Admin";

    private EntraFakes Entra => fixture.Entra;

    [Fact]
    public async Task A_request_without_a_token_gets_401_with_a_bearer_challenge_as_a_problem()
    {
        var response = await fixture.Anonymous.GetAsync(new Uri("/api/v1/controls", UriKind.Relative));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("API key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> BadTokens => ["expired", "not yet valid", "wrong audience", "wrong issuer", "unknown signing key", "not a JWT"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Invalid_tokens_get_401_with_invalid_token(string kind)
    {
        var now = DateTime.UtcNow;
        using var otherKey = RSA.Create(2048);
        string[] roles = [Admin];
        var token = kind switch
        {
            // Beyond the 5-minute clock skew either way.
            "expired" => Entra.Token(roles, notBefore: now.AddHours(-2), expires: now.AddMinutes(-10)),
            "not yet valid" => Entra.Token(roles, notBefore: now.AddMinutes(10), expires: now.AddHours(1)),
            "wrong audience" => Entra.Token(roles, audience: "api://someone-else"),
            "wrong issuer" => Entra.Token(roles, issuer: "https://login.microsoftonline.com/another-tenant/v2.0"),
            "unknown signing key" => Entra.Token(roles, key: new RsaSecurityKey(otherKey) { KeyId = "attacker" }),
            _ => "not-a-jwt",
        };

        var response = await fixture.WithToken(token).GetAsync(new Uri("/api/v1/controls", UriKind.Relative));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_token_without_an_admin_api_role_gets_403_as_a_problem()
    {
        var response = await fixture.WithToken(Entra.Token(["Some.Other.Role"])).GetAsync(new Uri("/api/v1/controls", UriKind.Relative));

        var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Contains("Compliance.Lead", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_token_reads_and_changes_controls_but_not_people_or_keys()
    {
        var lead = fixture.WithToken(Entra.Token([Lead]));

        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync(new Uri("/api/v1/controls", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await lead.GetAsync(new Uri("/api/v1/people", UriKind.Relative))).StatusCode);
        var created = await lead.PostAsJsonAsync("/api/v1/controls", new { code = $"JWT-{Guid.NewGuid():N}"[..12], title = "Made with a token", frequency = "annual" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await AssertProblemAsync(await lead.PostAsJsonAsync("/api/v1/people", new { email = "x@example.com", displayName = "X" }), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await lead.GetAsync(new Uri("/api/v1/apikeys", UriKind.Relative)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_admin_token_manages_people_and_keys_and_is_named_by_its_object_id_not_its_claimed_name()
    {
        var objectId = Guid.NewGuid().ToString();
        var admin = fixture.WithToken(Entra.Token([Admin], objectId));

        var person = await admin.PostAsJsonAsync("/api/v1/people", new { email = $"p-{Guid.NewGuid():N}@example.com", displayName = "P" });
        var key = await admin.PostAsJsonAsync("/api/v1/apikeys", new { name = "from-jwt", role = "lead" });

        Assert.Equal(HttpStatusCode.Created, person.StatusCode);
        Assert.Equal(HttpStatusCode.Created, key.StatusCode);
        var id = (await key.Content.ReadFromJsonAsync<CreatedKey>())!.Id;
        // The token claims to be someone@example.com; nobody in the register has its object id, so the record names the id.
        Assert.Equal($"entra:{objectId}", (await fixture.DbAsync(db => db.ApiKeys.SingleAsync(k => k.Id == id))).CreatedBy);
    }

    [Fact]
    public async Task A_person_with_the_ComplianceLead_role_is_a_lead_through_their_object_id_and_loses_it_when_inactive()
    {
        var objectId = Guid.NewGuid().ToString();
        var email = $"lead-{Guid.NewGuid():N}@example.com";
        await fixture.DbAsync(async db =>
        {
            db.People.Add(new Person { Email = email, DisplayName = "Lead", Roles = PersonRoles.ComplianceLead, EntraObjectId = objectId, CreatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var token = Entra.Token(roles: [], objectId: objectId.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.OK, (await fixture.WithToken(token).GetAsync(new Uri("/api/v1/controls", UriKind.Relative))).StatusCode);
        await AssertProblemAsync(await fixture.WithToken(token).GetAsync(new Uri("/api/v1/apikeys", UriKind.Relative)), HttpStatusCode.Forbidden);

        await fixture.DbAsync(db => db.People.Where(p => p.Email == email).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false)));
        await AssertProblemAsync(await fixture.WithToken(token).GetAsync(new Uri("/api/v1/controls", UriKind.Relative)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_valid_api_key_is_accepted_and_its_use_recorded()
    {
        var key = await fixture.KeyAsync(ApiKeyRole.ComplianceLead);

        var response = await fixture.WithToken(key.Token).GetAsync(new Uri("/api/v1/audits", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await fixture.DbAsync(db => db.ApiKeys.SingleAsync(k => k.Id == key.Key.Id));
        Assert.NotNull(stored.LastUsedAt);
        Assert.NotEqual(key.Token, stored.SecretHash);
        Assert.DoesNotContain(stored.SecretHash, key.Token, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_keys_wrong_secrets_and_unknown_keys_get_401()
    {
        var revoked = await fixture.KeyAsync(ApiKeyRole.Admin);
        var revoke = await fixture.Admin.DeleteAsync(new Uri($"/api/v1/apikeys/{revoked.Key.Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var other = await fixture.KeyAsync(ApiKeyRole.Admin);
        var wrongSecret = other.Token[..^8] + (other.Token.EndsWith("00000000", StringComparison.Ordinal) ? "11111111" : "00000000");
        var unknown = $"cck_{Guid.NewGuid():N}_{new string('a', 64)}";

        foreach (var token in new[] { revoked.Token, wrongSecret, unknown, "cck_short" })
        {
            var response = await fixture.WithToken(token).GetAsync(new Uri("/api/v1/controls", UriKind.Relative));
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.WithToken(other.Token).GetAsync(new Uri("/api/v1/controls", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_lead_key_cannot_manage_people_or_keys()
    {
        await AssertProblemAsync(await fixture.Lead.PostAsJsonAsync("/api/v1/apikeys", new { name = "escalate", role = "admin" }), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await fixture.Lead.PutAsJsonAsync($"/api/v1/people/{Guid.NewGuid()}", new { email = "x@example.com", displayName = "X" }), HttpStatusCode.Forbidden);
    }

    private sealed record CreatedKey(Guid Id, string Key);
}
