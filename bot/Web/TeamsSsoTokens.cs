using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChatCompliance.Bot.Web;

/// <summary>
/// Checks the token Teams hands the tab (<c>authentication.getAuthToken</c>): signed by a key from the tenant's Entra
/// metadata, issued by that metadata's issuer for the configured tenant (<c>tid</c>), for this app (its Application ID URI
/// or client id), within its lifetime. Returns the token's Entra object id, or null.
/// </summary>
internal sealed partial class TeamsSsoTokens
{
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256];

    private readonly PagesOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _metadata;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time;
    private readonly ILogger<TeamsSsoTokens> _logger;

    public TeamsSsoTokens(IOptions<PagesOptions> options, IHttpClientFactory httpClients, TimeProvider time, ILogger<TeamsSsoTokens> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (_options.EntraEnabled)
        {
            var retriever = new HttpDocumentRetriever(httpClients.CreateClient(nameof(TeamsSsoTokens)))
            {
                RequireHttps = _options.Metadata.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
            };
            _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(_options.Metadata, new OpenIdConnectConfigurationRetriever(), retriever);
        }
    }

    /// <summary>The Entra object id of a valid token, lower-case; null when the token is not one of ours.</summary>
    public async Task<string?> ObjectIdAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (_metadata is null || string.IsNullOrWhiteSpace(token) || token.Length > 16_384)
        {
            return null;
        }

        var configuration = await _metadata.GetConfigurationAsync(cancellationToken);
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudiences = _options.SsoAudiences(),
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(5),
            LifetimeValidator = (notBefore, expires, _, p) =>
                (notBefore is null || notBefore.Value - p.ClockSkew <= _time.GetUtcNow().UtcDateTime) && expires is { } e && e + p.ClockSkew >= _time.GetUtcNow().UtcDateTime,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            LogRejected(_logger, result.Exception?.GetType().Name ?? "invalid token");
            return null;
        }

        var identity = result.ClaimsIdentity;
        if (!string.Equals(identity.FindFirst("tid")?.Value, _options.TenantId, StringComparison.OrdinalIgnoreCase))
        {
            LogRejected(_logger, "another tenant");
            return null;
        }

        return identity.FindFirst("oid")?.Value is { Length: > 0 } oid ? oid.ToLowerInvariant() : null;
    }

    /// <summary>The object id claim of a principal signed in through OpenID Connect.</summary>
    public static string? ObjectId(ClaimsPrincipal? principal) => principal?.FindFirst("oid")?.Value?.ToLowerInvariant();

    [LoggerMessage(EventId = 1900, Level = LogLevel.Information, Message = "A Teams SSO token was refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
