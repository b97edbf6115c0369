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

    /// <summary>
    /// Tenants that may talk to the bot besides a single-tenant bot's own <see cref="MicrosoftAppTenantId"/>.
    /// A multi-tenant bot with an empty list refuses to start in Production unless <see cref="AllowAllTenants"/> is set.
    /// </summary>
    public List<string> AllowedTenants { get; set; } = [];

    /// <summary>Accept every tenant (multi-tenant bots only): an explicit choice, never a default.</summary>
    public bool AllowAllTenants { get; set; }

    /// <summary>The Bot Framework's service hosts for Teams (public cloud, GCC, GCC High, DoD).</summary>
    public static readonly IReadOnlyList<string> BotFrameworkServiceUrls =
    [
        "https://smba.trafficmanager.net/",
        "https://smba.infra.gcc.teams.microsoft.com/",
        "https://smba.infra.gov.teams.microsoft.us/",
        "https://smba.infra.dod.teams.microsoft.us/",
    ];

    /// <summary>
    /// Where activities may come from and replies (with the bot's token) may go: URL prefixes, HTTPS (plain HTTP
    /// only on this machine), a host may start with <c>*.</c>; empty means <see cref="BotFrameworkServiceUrls"/>.
    /// </summary>
    public List<string> AllowedServiceUrls { get; set; } = [];

    /// <summary>
    /// The app's id in the organisation's Teams app catalog (Teams admin center, or <c>GET /appCatalogs/teamsApps</c>);
    /// when set, a person who never opened the bot is reached by installing the app for them through Microsoft Graph
    /// (application permission <c>TeamsAppInstallation.ReadWriteForUser.All</c>). Unset: they cannot be reached.
    /// </summary>
    public string? CatalogAppId { get; set; }

    /// <summary>The tenant's Bot Framework service URL for proactive sends to a chat opened by installation; under <see cref="ServiceUrlPrefixes"/>.</summary>
    public string ServiceUrl { get; set; } = "https://smba.trafficmanager.net/teams/";

    /// <summary>True when the app may be installed for people who never opened it (<see cref="CatalogAppId"/> is set).</summary>
    public bool CanInstallForPeople => !string.IsNullOrWhiteSpace(CatalogAppId);

    /// <summary>The channels accepted without authentication in local mode (Agents Playground sends msteams, the Emulator emulator).</summary>
    public List<string> LocalChannels { get; set; } = [];

    /// <summary>The only channel whose activities are accepted when authenticated.</summary>
    public const string TeamsChannel = "msteams";

    /// <summary>The allowed service URL prefixes in force.</summary>
    public IReadOnlyList<string> ServiceUrlPrefixes => AllowedServiceUrls.Count > 0 ? AllowedServiceUrls : BotFrameworkServiceUrls;

    /// <summary>The local-mode channels in force.</summary>
    public IReadOnlyList<string> LocalModeChannels => LocalChannels.Count > 0 ? LocalChannels : [TeamsChannel, "emulator"];

    /// <summary>Whether an activity from <paramref name="tenantId"/> may be processed.</summary>
    public bool AllowsTenant(string? tenantId)
    {
        if (string.IsNullOrWhiteSpace(tenantId))
        {
            return false;
        }

        if (AllowedTenants.Contains(tenantId, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        // A multi-tenant bot with no list only starts outside Production (see TeamsExtensions.AddTeams).
        return IsMultiTenant
            ? AllowAllTenants || AllowedTenants.Count == 0
            : string.Equals(MicrosoftAppTenantId, tenantId, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True for <c>MultiTenant</c> registrations.</summary>
    public bool IsMultiTenant => string.Equals(MicrosoftAppType, "MultiTenant", StringComparison.OrdinalIgnoreCase);

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
    public string TokenTenant => IsMultiTenant || string.IsNullOrWhiteSpace(MicrosoftAppTenantId)
        ? "botframework.com"
        : MicrosoftAppTenantId!;
}
