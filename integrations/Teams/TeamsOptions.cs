namespace ChatCompliance.Integrations.Teams;

/// <summary>
/// The bot's Azure Bot / Entra ID registration, under the Bot Framework's conventional root keys
/// (<c>MicrosoftAppType</c>, <c>MicrosoftAppId</c>, <c>MicrosoftAppPassword</c>, <c>MicrosoftAppTenantId</c>),
/// so an existing set-up carries over; and the endpoints, configurable so tests can stand in for them.
/// </summary>
public sealed class TeamsOptions
{
    /// <summary>Section for everything that is not a conventional Bot Framework key.</summary>
    public const string SectionName = "Teams";

    /// <summary><c>SingleTenant</c>, <c>MultiTenant</c> or <c>UserAssignedMSI</c>.</summary>
    public string MicrosoftAppType { get; set; } = "SingleTenant";

    /// <summary>The bot's app (client) id; empty runs the endpoint unauthenticated, for local tools only.</summary>
    public string? MicrosoftAppId { get; set; }

    public string? MicrosoftAppPassword { get; set; }

    public string? MicrosoftAppTenantId { get; set; }

    /// <summary>OpenID metadata whose <c>jwks_uri</c> gives the keys that sign inbound tokens.</summary>
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>The issuer the Bot Framework puts on tokens for Teams.</summary>
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>Issuers accepted on inbound tokens; empty means <see cref="BotFrameworkIssuer"/>. (A default list would be added to, not replaced, by configuration.)</summary>
    public List<string> ValidIssuers { get; set; } = [];

    /// <summary>When not empty, only these tenants may talk to the bot.</summary>
    public List<string> AllowedTenants { get; set; } = [];

    /// <summary>The client-credentials token endpoint; <c>{tenant}</c> is replaced by the tenant id (or <c>botframework.com</c>).</summary>
    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token";

    /// <summary>The scope of outbound tokens.</summary>
    public string TokenScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>The least time between two metadata refreshes caused by an unknown signing key.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Allowed clock skew on token lifetimes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Inbound request bodies larger than this are refused with 413.</summary>
    public int MaxRequestBytes { get; set; } = 256 * 1024;

    /// <summary>True when no app id is configured: the endpoint trusts every request (local tools only).</summary>
    public bool IsLocalMode => string.IsNullOrWhiteSpace(MicrosoftAppId);

    /// <summary>The tenant segment of the token endpoint.</summary>
    public string TokenTenant => string.Equals(MicrosoftAppType, "MultiTenant", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(MicrosoftAppTenantId)
        ? "botframework.com"
        : MicrosoftAppTenantId!;
}
