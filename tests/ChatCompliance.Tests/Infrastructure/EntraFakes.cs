using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>
/// WireMock standing in for Entra ID: the tenant's OpenID metadata and signing keys (our own RSA key), an authorize
/// endpoint that answers as Entra ID does after a sign-in (a form posting a code and the state back), and a token
/// endpoint whose answer a test sets (<see cref="AnswerTokenRequests"/>). Tests sign tokens with the same key, with any claim overridden.
/// </summary>
public sealed class EntraFakes : IDisposable
{
    public const string TenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public const string Audience = "api://chatcompliance-admin-test";
    public const string Issuer = $"https://login.microsoftonline.com/{TenantId}/v2.0";
    public const string KeyId = "entra-test-key";

    private static readonly string[] Algorithms = ["RS256"];

    private static readonly Guid TokenMapping = Guid.Parse("7d0f3c1e-0000-4000-8000-00000000e0e0");

    private readonly RSA _rsa = RSA.Create(2048);

    public EntraFakes()
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        Key = new RsaSecurityKey(_rsa) { KeyId = KeyId };
        var parameters = _rsa.ExportParameters(false);
        var jwks = new { keys = new[] { new { kty = "RSA", use = "sig", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } } };
        Server.Given(Request.Create().WithPath($"/{TenantId}/v2.0/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new
                {
                    issuer = Issuer,
                    authorization_endpoint = $"{Url}/{TenantId}/oauth2/v2.0/authorize",
                    token_endpoint = $"{Url}/{TenantId}/oauth2/v2.0/token",
                    jwks_uri = $"{Url}/{TenantId}/discovery/v2.0/keys",
                    id_token_signing_alg_values_supported = Algorithms,
                })));
        Server.Given(Request.Create().WithPath($"/{TenantId}/discovery/v2.0/keys").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(jwks)));
        // After the person signs in, Entra ID's page posts the code and the state back to the app (response_mode=form_post).
        Server.Given(Request.Create().WithPath($"/{TenantId}/oauth2/v2.0/authorize").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithTransformer()
                .WithBody("""<form method="post" action="{{request.query.redirect_uri}}"><input type="hidden" name="code" value="fake-code"><input type="hidden" name="state" value="{{request.query.state}}"></form>"""));
    }

    /// <summary>The token endpoint answers every code with this ID token.</summary>
    public void AnswerTokenRequests(string idToken) =>
        Server.Given(Request.Create().WithPath($"/{TenantId}/oauth2/v2.0/token").UsingPost()).WithGuid(TokenMapping)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new { token_type = "Bearer", expires_in = 3600, access_token = "fake-access-token", id_token = idToken })));

    public WireMockServer Server { get; }

    public RsaSecurityKey Key { get; }

    public string Url => Server.Urls[0];

    /// <summary>Configuration that makes the admin API accept this fake tenant's tokens for <see cref="Audience"/>.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["AdminApi:Authority"] = $"{Url}/{TenantId}/v2.0",
        ["AdminApi:Audience"] = Audience,
    };

    /// <summary>An Entra ID v2 access token for the admin API, with app roles and anything else overridden.</summary>
    public string Token(string[]? roles = null, string? objectId = null, string audience = Audience, string issuer = Issuer,
        DateTime? notBefore = null, DateTime? expires = null, SecurityKey? key = null, string? nonce = null)
    {
        var now = DateTime.UtcNow;
        var oid = objectId ?? Guid.NewGuid().ToString();
        var claims = new List<Claim> { new("oid", oid), new("sub", oid), new("tid", TenantId), new("preferred_username", "someone@example.com") };
        if (nonce is not null)
        {
            claims.Add(new Claim("nonce", nonce));
        }

        claims.AddRange((roles ?? []).Select(r => new Claim("roles", r)));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(30),
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
        _rsa.Dispose();
    }
}
