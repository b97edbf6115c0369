using System.Security.Claims;
using ChatCompliance.Integrations.Teams.Protocol;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace ChatCompliance.Integrations.Teams.Auth;

/// <summary>The outcome of checking an inbound request: the caller's claims, or why it was refused.</summary>
public sealed record AuthenticationResult(bool Succeeded, string? Failure, ClaimsIdentity? Identity, string? KeyId)
{
    public static AuthenticationResult Fail(string reason) => new(false, reason, null, null);
}

/// <summary>
/// Validates the Bot Framework's inbound JWT the way the SDKs do: RS256/384/512 signature by a key from the
/// configured OpenID metadata (cached, refreshed daily and, at most every five minutes, on an unknown key id),
/// issuer from a configurable list, audience equal to the app id, lifetime with a small skew; then, once the
/// activity is parsed, the key's channel endorsements and the <c>serviceurl</c> claim against the activity.
/// </summary>
public sealed partial class BotFrameworkAuthenticator : IDisposable
{
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly TeamsOptions _options;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>
    /// Tokens whose signature, issuer and audience already checked out. The Bot Framework sends the same token
    /// with every activity for about an hour; checking its RSA signature once is enough. A cached token is still
    /// held to its lifetime on every use, and dropped when its signing key leaves the published key set.
    /// </summary>
    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = 10_000 });
    private readonly TimeProvider _time;
    private readonly ILogger<BotFrameworkAuthenticator> _logger;

    public BotFrameworkAuthenticator(IOptions<TeamsOptions> options, IHttpClientFactory httpClients, TimeProvider time, ILogger<BotFrameworkAuthenticator> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        var retriever = new HttpDocumentRetriever(httpClients.CreateClient(nameof(BotFrameworkAuthenticator)))
        {
            RequireHttps = _options.OpenIdMetadataUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
        };
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(_options.OpenIdMetadataUrl, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = TimeSpan.FromHours(24),
            RefreshInterval = _options.MetadataRefreshInterval,
        };
    }

    /// <summary>Checks the Authorization header's token (signature, issuer, audience, lifetime).</summary>
    public async Task<AuthenticationResult> AuthenticateAsync(string? authorization, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticationResult.Fail("no bearer token");
        }

        var token = authorization["Bearer ".Length..].Trim();
        if (!HasKeyId(token))
        {
            // Without a kid the validator would try every published key, and no key's endorsements could be checked.
            LogRejected(_logger, "token names no signing key");
            return AuthenticationResult.Fail("token names no signing key");
        }

        if (await FromCacheAsync(token, cancellationToken) is { } cached)
        {
            return cached;
        }

        var result = await ValidateAsync(token, cancellationToken);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A key we have not seen: the metadata may have rolled over. The manager bounds how often this refetches.
            _metadata.RequestRefresh();
            result = await ValidateAsync(token, cancellationToken);
        }

        if (!result.IsValid)
        {
            var reason = result.Exception?.GetType().Name ?? "invalid token";
            LogRejected(_logger, reason);
            return AuthenticationResult.Fail(reason);
        }

        var authenticated = new AuthenticationResult(true, null, result.ClaimsIdentity, (result.SecurityToken as JsonWebToken)?.Kid);
        if (result.SecurityToken is JsonWebToken { ValidTo: var expires } && expires > DateTime.MinValue)
        {
            var validTo = new DateTimeOffset(expires, TimeSpan.Zero);
            var notBefore = result.SecurityToken.ValidFrom > DateTime.MinValue ? new DateTimeOffset(result.SecurityToken.ValidFrom, TimeSpan.Zero) : (DateTimeOffset?)null;
            _validated.Set(token, new ValidatedToken(authenticated, notBefore, validTo), new MemoryCacheEntryOptions
            {
                Size = 1,
                AbsoluteExpiration = validTo + _options.ClockSkew,
            });
        }

        return authenticated;
    }

    public void Dispose() => _validated.Dispose();

    /// <summary>The earlier result for this exact token while it is within its lifetime and its key is still published.</summary>
    private async Task<AuthenticationResult?> FromCacheAsync(string token, CancellationToken cancellationToken)
    {
        if (!_validated.TryGetValue(token, out ValidatedToken? known) || known is null)
        {
            return null;
        }

        var now = _time.GetUtcNow();
        if (known.NotBefore - _options.ClockSkew > now || known.Expires + _options.ClockSkew < now)
        {
            _validated.Remove(token);
            return null;
        }

        var configuration = await _metadata.GetConfigurationAsync(cancellationToken);
        if (known.Result.KeyId is { } kid && !configuration.SigningKeys.Any(k => k.KeyId == kid))
        {
            _validated.Remove(token);
            return null;
        }

        return known.Result;
    }

    private sealed record ValidatedToken(AuthenticationResult Result, DateTimeOffset? NotBefore, DateTimeOffset Expires);

    /// <summary>
    /// Checks what needs the parsed activity, failing closed: the channel is Teams, the signing key endorses it (a key
    /// without endorsements endorses nothing), the serviceurl claim is the activity's service URL and an allowed one,
    /// and the tenant is ours.
    /// </summary>
    public async Task<AuthenticationResult> AuthorizeActivityAsync(AuthenticationResult authenticated, Activity activity, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(activity.ChannelId, TeamsOptions.TeamsChannel, StringComparison.Ordinal))
        {
            return Refuse($"channel '{activity.ChannelId}' is not {TeamsOptions.TeamsChannel}");
        }

        var configuration = await _metadata.GetConfigurationAsync(cancellationToken);
        var key = authenticated.KeyId is { Length: > 0 } kid ? configuration.JsonWebKeySet?.Keys.FirstOrDefault(k => k.Kid == kid) : null;
        if (key is null)
        {
            return Refuse("signing key is no longer published");
        }

        if (!key.AdditionalData.TryGetValue("endorsements", out var endorsements) || !Endorses(endorsements, activity.ChannelId))
        {
            return Refuse($"signing key not endorsed for channel '{activity.ChannelId}'");
        }

        var claimed = authenticated.Identity?.FindFirst("serviceurl")?.Value;
        if (!ServiceUrlPolicy.SameEndpoint(claimed, activity.ServiceUrl))
        {
            return Refuse("serviceurl claim does not match the activity");
        }

        if (!ServiceUrlPolicy.IsAllowed(activity.ServiceUrl, _options.ServiceUrlPrefixes))
        {
            return Refuse($"service URL '{activity.ServiceUrl}' is not an allowed Bot Framework endpoint");
        }

        var tenant = activity.Conversation?.TenantId ?? activity.ChannelData?.Tenant?.Id;
        var otherTenant = activity.ChannelData?.Tenant?.Id;
        if (otherTenant is not null && !string.Equals(tenant, otherTenant, StringComparison.OrdinalIgnoreCase))
        {
            return Refuse("conversation and channel data name different tenants");
        }

        if (!_options.AllowsTenant(tenant))
        {
            return Refuse($"tenant '{tenant}' is not allowed");
        }

        return authenticated;

        AuthenticationResult Refuse(string reason)
        {
            LogRejected(_logger, reason);
            return AuthenticationResult.Fail(reason);
        }
    }

    private async Task<TokenValidationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            return new TokenValidationResult { IsValid = false, Exception = e };
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuers = _options.ValidIssuers.Count > 0 ? _options.ValidIssuers : [TeamsOptions.BotFrameworkIssuer],
            ValidAudience = _options.MicrosoftAppId,
            IssuerSigningKeys = configuration.SigningKeys,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = _options.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, p) =>
            {
                var now = _time.GetUtcNow().UtcDateTime;
                return (notBefore is null || notBefore.Value - p.ClockSkew <= now) && expires is not null && expires.Value + p.ClockSkew >= now;
            },
        };
        return await _handler.ValidateTokenAsync(token, parameters);
    }

    private static bool Endorses(object endorsements, string? channelId) =>
        channelId is not null && endorsements switch
        {
            IEnumerable<object> list => list.Any(e => string.Equals(e?.ToString(), channelId, StringComparison.OrdinalIgnoreCase)),
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array } array =>
                array.EnumerateArray().Any(e => string.Equals(e.GetString(), channelId, StringComparison.OrdinalIgnoreCase)),
            _ => false,
        };

    private bool HasKeyId(string token)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(_handler.ReadJsonWebToken(token).Kid);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return false; // not a JWT at all
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Teams request refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
