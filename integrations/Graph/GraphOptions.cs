using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Integrations.Graph;

/// <summary>
/// The Entra ID app registration ChatCompliance reads the directory with (application permissions, client
/// credentials), and the endpoints, configurable so tests can stand in for them. Section <c>Graph</c>.
/// </summary>
public sealed class GraphOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Graph";

    /// <summary>The directory (tenant) id.</summary>
    public string? TenantId { get; set; }

    /// <summary>The app registration's application (client) id.</summary>
    public string? ClientId { get; set; }

    /// <summary>A client secret of that registration; never in a committed file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The Graph API root, without a trailing slash.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    /// <summary>The client-credentials token endpoint; <c>{tenant}</c> is replaced by <see cref="TenantId"/>.</summary>
    [Required]
    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token";

    /// <summary>The scope of the token.</summary>
    [Required]
    public string Scope { get; set; } = "https://graph.microsoft.com/.default";

    /// <summary>How long a manager lookup is remembered (escalations ask for the same people again and again).</summary>
    [Range(0, 24 * 60)]
    public int ManagerCacheMinutes { get; set; } = 10;

    /// <summary>Retries of a throttled (429) or unavailable (503, 504) request, or of one inside a <c>$batch</c>; Retry-After is honoured.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>The longest all retries of one request may wait together, in seconds: a longer Retry-After gives up at once.</summary>
    [Range(1, 600)]
    public int MaxRetryWaitSeconds { get; set; } = 60;

    /// <summary><c>$batch</c> calls (20 per-user reads each: sign-ins, manager, sponsors) in flight at once while reading a population.</summary>
    [Range(1, 16)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>True when the tenant, client id and secret are all set.</summary>
    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(TenantId) && !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}
