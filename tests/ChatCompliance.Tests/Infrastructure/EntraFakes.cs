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
/// WireMock standing in for Entra ID: the tenant's OpenID metadata and signing keys (our own RSA key). Tests sign
/// admin-API access tokens with the same key, with any claim overridden.
/// </summary>
public sealed class EntraFakes : IDisposable
{
    public const string TenantId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    public const string Audience = "api://chatcompliance-admin-test";
    public const string Issuer = $"https://login.microsoftonline.com/{TenantId}/v2.0";
    public const string KeyId = "entra-test-key";

    private static readonly string[] Algorithms = ["RS256"];

    private readonly RSA _rsa = RSA.Create(2048);

    public EntraFakes()
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        Key = new RsaSecurityKey(_rsa) { KeyId = KeyId };
        var parameters = _rsa.ExportParameters(false);
        var jwks = new { keys = new[] { new { kty = "RSA", use = "sig", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } } };
        Server.Given(Request.Create().WithPath($"/{TenantId}/v2.0/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new { issuer = Issuer, jwks_uri = $"{Url}/{TenantId}/discovery/v2.0/keys", id_token_signing_alg_values_supported = Algorithms })));
        Server.Given(Request.Create().WithPath($"/{TenantId}/discovery/v2.0/keys").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(jwks)));
    }

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
        DateTime? notBefore = null, DateTime? expires = null, SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("oid", objectId ?? Guid.NewGuid().ToString()), new("tid", TenantId), new("preferred_username", "someone@example.com") };
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
