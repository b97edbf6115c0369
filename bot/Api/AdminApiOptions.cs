using System.ComponentModel.DataAnnotations;
using System.Net;

namespace ChatCompliance.Bot.Api;

/// <summary>
/// The admin API's settings. With <see cref="Authority"/> or <see cref="MetadataAddress"/> set, Entra ID access tokens
/// for <see cref="Audience"/> are accepted besides API keys; with neither, only API keys work.
/// </summary>
internal sealed class AdminApiOptions : IValidatableObject
{
    public const string SectionName = "AdminApi";

    /// <summary>The token issuer's authority, e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The OpenID metadata document; default: the authority's <c>/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The <c>aud</c> the tokens carry: the API app's client id (v2 tokens) or its Application ID URI (v1).</summary>
    public string? Audience { get; set; }

    /// <summary>Accepted issuers; empty: the issuer the metadata document names.</summary>
    public List<string> Issuers { get; set; } = [];

    /// <summary>Tolerance on token lifetimes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Larger request bodies (JSON or CSV) get 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    public bool JwtEnabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);

    /// <summary>The metadata document the JWT handler reads.</summary>
    public string? Metadata => !string.IsNullOrWhiteSpace(MetadataAddress) ? MetadataAddress
        : JwtEnabled ? $"{Authority!.TrimEnd('/')}/.well-known/openid-configuration" : null;

    /// <summary>Plain HTTP is allowed for metadata on this machine only (local identity stand-ins and tests).</summary>
    public bool MetadataIsLoopback => Uri.TryCreate(Metadata, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!JwtEnabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            yield return new ValidationResult($"{SectionName}:Audience is required when {SectionName}:Authority or {SectionName}:MetadataAddress is set.", [nameof(Audience)]);
        }

        foreach (var (name, value) in new[] { (nameof(Authority), Authority), (nameof(MetadataAddress), MetadataAddress) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && MetadataIsLoopback))))
            {
                yield return new ValidationResult($"{SectionName}:{name} must be an absolute https address (http only on loopback): '{value}'.", [name]);
            }
        }
    }
}
