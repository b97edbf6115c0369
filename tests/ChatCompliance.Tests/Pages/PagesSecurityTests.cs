using System.Net;
using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Pages;

/// <summary>The pages' doors over HTTP: who may see what, forged and foreign forms, the development sign-in and the headers.</summary>
[Collection(AppCollection.Name)]
public sealed class PagesSecurityTests : IAsyncLifetime
{
    private PagesWorld _world = null!;

    public async Task InitializeAsync() => _world = await PagesWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Without_signing_in_the_pages_redirect_to_sign_in_and_local_mode_offers_the_development_sign_in()
    {
        using var client = _world.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/my", "/programme", "/programme/tasks" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/signin?returnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        var signIn = await client.GetAsync("/signin?returnUrl=%2Fmy");
        Assert.Equal("/signin/dev?returnUrl=%2Fmy", signIn.Headers.Location!.OriginalString);
        var picker = await client.GetStringAsync("/signin/dev");
        Assert.Contains("Development sign-in", picker, StringComparison.Ordinal);
        Assert.Contains(PagesWorld.OwnerEmail, picker, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_email_is_not_signed_in_and_a_return_address_elsewhere_is_ignored()
    {
        using var client = _world.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var stranger = await client.GetAsync("/signin/dev?email=nobody%40example.com");
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/my")).StatusCode);

        var away = await client.GetAsync($"/signin/dev?email={PagesWorld.OwnerEmail}&returnUrl=%2F%2Fevil.example.com%2F");
        Assert.Equal("/my", away.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_owner_is_refused_the_programme_and_a_lead_sees_it()
    {
        using var owner = await _world.SignedInAsync(PagesWorld.OwnerEmail);
        using var lead = await _world.SignedInAsync(PagesWorld.LeadEmail);

        var refused = await owner.GetAsync("/programme");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only for compliance leads", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync($"/programme/campaign/{_world.Campaign}")).StatusCode);

        var programme = await lead.GetAsync("/programme");
        Assert.Equal(HttpStatusCode.OK, programme.StatusCode);
        var html = await programme.Content.ReadAsStringAsync();
        Assert.Contains("Finance app Q4 review", html, StringComparison.Ordinal);
        Assert.Contains("id=\"overdue-trend\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_without_its_anti_forgery_token_is_refused_and_changes_nothing()
    {
        using var owner = await _world.SignedInAsync(PagesWorld.OwnerEmail);

        var forged = await owner.PostAsync("/my?handler=Task", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["task"] = _world.OwnerTask.ToString(), ["version"] = "1", ["action"] = "submit", ["url"] = "https://evidence.example.com/forged.pdf",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(EvidenceTaskStatus.Open, (await _world.TaskAsync(_world.OwnerTask)).Status);
    }

    [Fact]
    public async Task Acting_on_someone_elses_task_is_refused_and_the_task_is_unchanged()
    {
        using var owner = await _world.SignedInAsync(PagesWorld.OwnerEmail);
        var token = PagesWorld.FormToken(await owner.GetStringAsync("/my"));
        Assert.DoesNotContain("Backup restore test 2026", await owner.GetStringAsync("/my"), StringComparison.Ordinal);

        var response = await owner.PostAsync("/my?handler=Task", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = token, ["task"] = _world.OtherTask.ToString(), ["version"] = "1", ["action"] = "submit", ["url"] = "https://evidence.example.com/not-mine.pdf",
        }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var task = await _world.TaskAsync(_world.OtherTask);
        Assert.Equal((EvidenceTaskStatus.Open, null, 1), (task.Status, task.EvidenceUrl, task.Version));
        var refusal = await _world.ReadAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.Action == "task.refused").Select(e => e.Actor).ToListAsync());
        Assert.Equal([PagesWorld.OwnerEmail], refusal);
    }

    [Fact]
    public async Task Pages_carry_a_strict_content_security_policy_that_lets_only_teams_frame_them()
    {
        using var owner = await _world.SignedInAsync(PagesWorld.OwnerEmail);

        var response = await owner.GetAsync("/my");

        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.EndsWith("frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.skype.com https://*.office.com", policy, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_entra_configured_the_development_sign_in_does_not_exist_and_a_teams_sso_token_signs_in()
    {
        using var entra = new EntraFakes();
        await using var world = await PagesWorld.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Pages:TenantId"] = EntraFakes.TenantId,
            ["Pages:ClientId"] = "11111111-2222-3333-4444-555555555555",
            ["Pages:ApplicationIdUri"] = "api://pages.example.com/11111111-2222-3333-4444-555555555555",
            ["Pages:MetadataAddress"] = $"{entra.Url}/{EntraFakes.TenantId}/v2.0/.well-known/openid-configuration",
        });
        using var client = world.App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/signin/dev?email={PagesWorld.LeadEmail}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/signin/dev")).StatusCode);
        Assert.Equal("/signin/teams?returnUrl=%2Fmy%3FinTeams%3Dtrue", (await client.GetAsync("/signin?returnUrl=%2Fmy%3FinTeams%3Dtrue")).Headers.Location!.OriginalString);

        var page = await client.GetStringAsync("/signin/teams?returnUrl=%2Fprogramme");
        var token = System.Text.RegularExpressions.Regex.Match(page, "data-antiforgery=\"(?<t>[^\"]+)\"").Groups["t"].Value;
        Assert.Contains("/lib/teams-js/MicrosoftTeams.min.js", page, StringComparison.Ordinal);

        async Task<HttpResponseMessage> SsoAsync(string bearer, bool withAntiforgery = true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/signin/teams");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
            if (withAntiforgery)
            {
                request.Headers.Add("RequestVerificationToken", System.Net.WebUtility.HtmlDecode(token));
            }

            return await client.SendAsync(request);
        }

        const string Lead = "00000000-0000-0000-0000-00000000000a";
        const string Audience = "api://pages.example.com/11111111-2222-3333-4444-555555555555";
        Assert.Equal(HttpStatusCode.BadRequest, (await SsoAsync(entra.Token(objectId: Lead, audience: Audience), withAntiforgery: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SsoAsync(entra.Token(objectId: Lead, audience: "api://someone-else"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SsoAsync(entra.Token(objectId: Lead, audience: Audience, key: new Microsoft.IdentityModel.Tokens.RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = EntraFakes.KeyId }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SsoAsync(entra.Token(objectId: Guid.NewGuid().ToString(), audience: Audience))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/programme")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await SsoAsync(entra.Token(objectId: Lead, audience: Audience))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/programme")).StatusCode);
    }
}
