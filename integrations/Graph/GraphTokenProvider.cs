using ChatCompliance.Integrations.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ChatCompliance.Integrations.Graph;

/// <summary>
/// Gives the Graph SDK (through <see cref="BaseBearerTokenAuthenticationProvider"/>) the app's client-credentials
/// token, cached until shortly before it expires. Tokens go only to the host of <see cref="GraphOptions.BaseUrl"/>,
/// over HTTPS (plain HTTP only to this machine, for tests).
/// </summary>
internal sealed class GraphTokenProvider : IAccessTokenProvider
{
    /// <summary>The named <see cref="HttpClient"/> that talks to the token endpoint.</summary>
    public const string HttpClientName = "ChatCompliance.Graph.Token";

    private readonly ClientCredentialsToken _token;
    private string? _lastToken;

    public GraphTokenProvider(IHttpClientFactory httpClientFactory, IOptions<GraphOptions> options, TimeProvider time, ILogger<GraphTokenProvider> logger)
    {
        var settings = options.Value;
        var endpoint = settings.TokenEndpoint.Replace("{tenant}", Uri.EscapeDataString(settings.TenantId ?? ""), StringComparison.Ordinal);
        _token = new ClientCredentialsToken(
            new ClientCredentials("Microsoft Graph", endpoint, settings.ClientId ?? "", settings.ClientSecret ?? "", settings.Scope),
            httpClientFactory,
            HttpClientName,
            time,
            logger);
        AllowedHostsValidator = new AllowedHostsValidator([new Uri(settings.BaseUrl).Host]);
    }

    /// <inheritdoc />
    public AllowedHostsValidator AllowedHostsValidator { get; }

    /// <inheritdoc />
    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
    {
        if (!AllowedHostsValidator.IsUrlHostValid(uri))
        {
            // Kiota's convention: no token, so no Authorization header, for a host that isn't Graph.
            return "";
        }

        if (!(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new InvalidOperationException($"Refusing to send the Microsoft Graph token to {uri}: Graph:BaseUrl must be HTTPS (plain HTTP only to this machine).");
        }

        var token = await _token.GetAsync(cancellationToken);
        _lastToken = token;
        return token;
    }

    /// <summary>Forgets the last token handed out after Graph refused it (401), so the next request fetches another.</summary>
    public void InvalidateLast()
    {
        if (_lastToken is { } token)
        {
            _token.Invalidate(token);
        }
    }
}
