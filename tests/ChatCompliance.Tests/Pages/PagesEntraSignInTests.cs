using System.Net;
using System.Text.RegularExpressions;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;

namespace ChatCompliance.Tests.Pages;

/// <summary>
/// The browser sign-in with Entra ID (OpenID Connect code flow with PKCE) against a fake Entra ID: the app sends the
/// browser to the tenant's authorize endpoint, the fake posts a code back, the app redeems it at the token endpoint and
/// signs the person in only when the ID token is Entra ID's, for this app, for this sign-in and for someone in the register.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class PagesEntraSignInTests : IAsyncLifetime
{
    private const string ClientId = "11111111-2222-3333-4444-555555555555";
    private const string Lead = "00000000-0000-0000-0000-00000000000a";

    private readonly EntraFakes _entra = new();
    private PagesWorld _world = null!;

    public async Task InitializeAsync() => _world = await PagesWorld.StartAsync(extra: new Dictionary<string, string?>
    {
        ["Pages:TenantId"] = EntraFakes.TenantId,
        ["Pages:ClientId"] = ClientId,
        ["Pages:ClientSecret"] = "test-client-secret",
        ["Pages:MetadataAddress"] = $"{_entra.Url}/{EntraFakes.TenantId}/v2.0/.well-known/openid-configuration",
    });

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        _entra.Dispose();
    }

    [Fact]
    public async Task A_browser_is_sent_to_entra_id_and_signed_in_with_the_code_it_brings_back()
    {
        using var browser = Browser();
        var authorize = await StartSignInAsync(browser);

        Assert.Equal($"{_entra.Url}/{EntraFakes.TenantId}/oauth2/v2.0/authorize", authorize.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal(ClientId, query["client_id"]);
        Assert.Equal("https://localhost/signin-oidc", query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));

        _entra.AnswerTokenRequests(_entra.Token(objectId: Lead, audience: ClientId, nonce: query["nonce"]));
        var callback = await ReturnFromEntraAsync(browser, authorize);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/my", callback.Headers.Location!.OriginalString);
        var my = await browser.GetAsync("/my");
        Assert.Equal(HttpStatusCode.OK, my.StatusCode);
        Assert.Contains("Lee Lead", await my.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var redeemed = Assert.Single(_entra.Server.LogEntries, e => e.RequestMessage.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
        Assert.Contains("code=fake-code", redeemed.RequestMessage.Body, StringComparison.Ordinal);
        Assert.Contains("code_verifier=", redeemed.RequestMessage.Body, StringComparison.Ordinal);
    }

    public static TheoryData<string> ForgedTokens => ["another key", "another app", "another sign-in's nonce", "another tenant", "nobody in the register"];

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task The_callback_refuses_an_id_token_that_is_not_for_this_sign_in(string forgery)
    {
        using var browser = Browser();
        var authorize = await StartSignInAsync(browser);
        var nonce = QueryHelpers.ParseQuery(authorize.Query)["nonce"].ToString();
        _entra.AnswerTokenRequests(forgery switch
        {
            "another key" => _entra.Token(objectId: Lead, audience: ClientId, nonce: nonce, key: new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = EntraFakes.KeyId }),
            "another app" => _entra.Token(objectId: Lead, audience: "99999999-2222-3333-4444-555555555555", nonce: nonce),
            "another sign-in's nonce" => _entra.Token(objectId: Lead, audience: ClientId, nonce: "638000000000000000.forged"),
            "another tenant" => _entra.Token(objectId: Lead, audience: ClientId, nonce: nonce, issuer: "https://login.microsoftonline.com/ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee/v2.0"),
            _ => _entra.Token(objectId: Guid.NewGuid().ToString(), audience: ClientId, nonce: nonce),
        });

        var callback = await ReturnFromEntraAsync(browser, authorize);

        Assert.Equal(forgery == "nobody in the register" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized, callback.StatusCode);
        Assert.DoesNotContain(callback.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("ChatCompliance.Pages", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/my")).StatusCode);
    }

    [Fact]
    public async Task A_code_posted_back_without_the_sign_in_that_asked_for_it_is_refused()
    {
        using var starter = Browser();
        var authorize = await StartSignInAsync(starter);
        _entra.AnswerTokenRequests(_entra.Token(objectId: Lead, audience: ClientId, nonce: QueryHelpers.ParseQuery(authorize.Query)["nonce"]));

        using var attacker = Browser();
        var callback = await ReturnFromEntraAsync(attacker, authorize);

        Assert.Equal(HttpStatusCode.Unauthorized, callback.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await attacker.GetAsync("/my")).StatusCode);
        Assert.DoesNotContain(_entra.Server.LogEntries, e => e.RequestMessage.Path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal));
    }

    /// <summary>Over HTTPS, as the sign-in's correlation and nonce cookies are Secure; redirects followed by hand.</summary>
    private HttpClient Browser() => _world.App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

    /// <summary>Opens <c>/my</c> signed out and follows the app's redirects to Entra ID's authorize endpoint.</summary>
    private static async Task<Uri> StartSignInAsync(HttpClient browser)
    {
        var my = await browser.GetAsync("/my");
        Assert.Equal(HttpStatusCode.Redirect, my.StatusCode);
        var signIn = await browser.GetAsync(my.Headers.Location!);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return signIn.Headers.Location!;
    }

    /// <summary>Entra ID's page (the fake's authorize endpoint) and the form it posts back to the app's callback.</summary>
    private static async Task<HttpResponseMessage> ReturnFromEntraAsync(HttpClient browser, Uri authorize)
    {
        using var entra = new HttpClient();
        var page = await entra.GetStringAsync(authorize);
        var action = FormAction().Match(page).Groups["url"].Value;
        var fields = FormField().Matches(page).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        Assert.Equal("https://localhost/signin-oidc", WebUtility.HtmlDecode(action));
        return await browser.PostAsync(new Uri(WebUtility.HtmlDecode(action)), new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<url>[^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex FormField();
}
