using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>
/// WireMock standing in for the Bot Framework: OpenID metadata and signing keys (our own RSA key, endorsed
/// for msteams), the token endpoint and the connector. Tests sign inbound tokens with the same key.
/// </summary>
public sealed class BotFrameworkFakes : IDisposable
{
    public const string AppId = "11111111-2222-3333-4444-555555555555";
    public const string Issuer = "https://api.botframework.com";
    public const string KeyId = "test-key";

    /// <summary>A published key with no endorsements: it endorses nothing.</summary>
    public const string BareKeyId = "bare-key";

    /// <summary>A published key endorsed for the channels whose clients choose their own <c>from</c> fields.</summary>
    public const string WebChatKeyId = "webchat-key";

    private static readonly string[] Endorsements = ["msteams"];
    private static readonly string[] WebChatEndorsements = ["webchat", "directline"];
    private static readonly string[] Algorithms = ["RS256"];

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _bare = RSA.Create(2048);
    private readonly RSA _webChat = RSA.Create(2048);

    public BotFrameworkFakes()
    {
        Server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        Key = new RsaSecurityKey(_rsa) { KeyId = KeyId };
        BareKey = new RsaSecurityKey(_bare) { KeyId = BareKeyId };
        WebChatKey = new RsaSecurityKey(_webChat) { KeyId = WebChatKeyId };
        var parameters = _rsa.ExportParameters(false);
        var bare = _bare.ExportParameters(false);
        var webChat = _webChat.ExportParameters(false);
        var jwks = new
        {
            keys = new object[]
            {
                new { kty = "RSA", use = "sig", kid = KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent), endorsements = Endorsements },
                new { kty = "RSA", use = "sig", kid = BareKeyId, n = Base64UrlEncoder.Encode(bare.Modulus), e = Base64UrlEncoder.Encode(bare.Exponent) },
                new { kty = "RSA", use = "sig", kid = WebChatKeyId, n = Base64UrlEncoder.Encode(webChat.Modulus), e = Base64UrlEncoder.Encode(webChat.Exponent), endorsements = WebChatEndorsements },
            },
        };
        Server.Given(Request.Create().WithPath("/openid").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(JsonSerializer.Serialize(new { issuer = Issuer, jwks_uri = $"{Url}/keys", id_token_signing_alg_values_supported = Algorithms })));
        Server.Given(Request.Create().WithPath("/keys").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(jwks)));
        Server.Given(Request.Create().WithPath("/*/oauth2/v2.0/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"token_type":"Bearer","expires_in":3600,"access_token":"outbound-test-token"}"""));
        Server.Given(Request.Create().WithPath("/connector/v3/conversations/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"sent-1"}"""));
        Server.Given(Request.Create().WithPath("/connector/v3/conversations").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"a:new-1on1","activityId":"sent-2"}"""));
    }

    public WireMockServer Server { get; }

    public RsaSecurityKey Key { get; }

    /// <summary>Signs with <see cref="BareKeyId"/>: published, endorsed for nothing.</summary>
    public RsaSecurityKey BareKey { get; }

    /// <summary>Signs with <see cref="WebChatKeyId"/>: published, endorsed for webchat and directline only.</summary>
    public RsaSecurityKey WebChatKey { get; }

    public string Url => Server.Urls[0];

    /// <summary>The activities' serviceUrl: the fake connector.</summary>
    public string ServiceUrl => $"{Url}/connector/";

    /// <summary>Configuration that points the app at the fakes, authenticated as <see cref="AppId"/>.</summary>
    public Dictionary<string, string?> Settings(bool authenticated = true) => new()
    {
        ["MicrosoftAppId"] = authenticated ? AppId : "",
        ["MicrosoftAppPassword"] = authenticated ? "test-only-password" : "",
        ["MicrosoftAppType"] = "SingleTenant",
        ["MicrosoftAppTenantId"] = "tenant-1",
        ["Teams:OpenIdMetadataUrl"] = $"{Url}/openid",
        ["Teams:TokenEndpoint"] = $"{Url}/{{tenant}}/oauth2/v2.0/token",
        ["Teams:AllowedServiceUrls:0"] = ServiceUrl,
    };

    /// <summary>A token like the Bot Framework's, with anything overridden.</summary>
    public string Token(string? audience = AppId, string issuer = Issuer, string? serviceUrl = null, DateTime? notBefore = null, DateTime? expires = null, SecurityKey? key = null,
        string algorithm = SecurityAlgorithms.RsaSha256, IReadOnlyDictionary<string, string>? claims = null)
    {
        var now = DateTime.UtcNow;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl ?? ServiceUrl), .. (claims ?? new Dictionary<string, string>()).Select(c => new Claim(c.Key, c.Value))]),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddMinutes(30),
            IssuedAt = notBefore ?? now.AddMinutes(-1),
            SigningCredentials = new SigningCredentials(key ?? Key, algorithm),
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature.</summary>
    public static string UnsignedToken()
    {
        static string Part(object o) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(o)));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{Part(new { alg = "none", typ = "JWT" })}.{Part(new { iss = Issuer, aud = AppId, nbf = now - 60, exp = now + 1800 })}.";
    }

    /// <summary>The requests the fake connector received (not token or metadata requests).</summary>
    public IReadOnlyList<WireMock.Logging.ILogEntry> ConnectorCalls() =>
        [.. Server.LogEntries.Where(e => e.RequestMessage.Path.StartsWith("/connector/", StringComparison.Ordinal))];

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
        _bare.Dispose();
        _webChat.Dispose();
    }
}
