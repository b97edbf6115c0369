using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Bot.Web;

/// <summary>
/// The My compliance and Programme pages (<c>Pages</c>). With <see cref="TenantId"/> and <see cref="ClientId"/> set,
/// people sign in with Entra ID (OpenID Connect in a browser, Teams SSO in the tab); with neither the app is in local
/// mode and <c>/signin/dev</c> picks a person from the store.
/// </summary>
internal sealed class PagesOptions : IValidatableObject
{
    public const string SectionName = "Pages";

    /// <summary>The address people reach the pages at (e.g. <c>https://bot.example.com</c>): the Slack App Home links there.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The Entra ID tenant (directory) id: the only issuer accepted.</summary>
    public string? TenantId { get; set; }

    /// <summary>The Entra app registration's client id (the bot's app id for Teams SSO).</summary>
    public string? ClientId { get; set; }

    /// <summary>The app registration's client secret, for the OpenID Connect code flow.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The Application ID URI Teams SSO tokens are issued for (<c>api://{host}/{client id}</c>, as the manifest's
    /// <c>webApplicationInfo.resource</c>); default: the tokens' audience must be <see cref="ClientId"/> or that URI built from <see cref="PublicUrl"/>.
    /// </summary>
    public string? ApplicationIdUri { get; set; }

    /// <summary>Entra ID's sign-in host.</summary>
    public string Instance { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>The OpenID metadata document; default: the tenant's v2.0 <c>/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>How long a sign-in lasts.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Entra ID is configured: no development sign-in.</summary>
    public bool EntraEnabled => !string.IsNullOrWhiteSpace(TenantId) || !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>The issuer tokens must come from.</summary>
    public string Authority => $"{Instance.TrimEnd('/')}/{TenantId}/v2.0";

    public string Metadata => string.IsNullOrWhiteSpace(MetadataAddress) ? $"{Authority}/.well-known/openid-configuration" : MetadataAddress;

    /// <summary>The audiences a Teams SSO token may carry.</summary>
    public IReadOnlyList<string> SsoAudiences()
    {
        var audiences = new List<string>();
        if (!string.IsNullOrWhiteSpace(ApplicationIdUri))
        {
            audiences.Add(ApplicationIdUri);
        }
        else if (Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url))
        {
            audiences.Add($"api://{url.Host}/{ClientId}");
        }

        audiences.Add(ClientId!);
        return audiences;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!EntraEnabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(TenantId) || !Guid.TryParse(TenantId, out _))
        {
            yield return new ValidationResult($"{SectionName}:TenantId must be the Entra ID tenant's id (a GUID) when {SectionName}:ClientId is set.", [nameof(TenantId)]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult($"{SectionName}:ClientId is required when {SectionName}:TenantId is set.", [nameof(ClientId)]);
        }

        if (!string.IsNullOrWhiteSpace(PublicUrl) && !Uri.TryCreate(PublicUrl, UriKind.Absolute, out _))
        {
            yield return new ValidationResult($"{SectionName}:PublicUrl must be an absolute address: '{PublicUrl}'.", [nameof(PublicUrl)]);
        }
    }
}
