using ChatCompliance.Integrations.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// The bot's client-credentials token for the Bot Connector. Cached until 5 minutes before it expires
/// (time from the injected <see cref="TimeProvider"/>); at most one token request is in flight, and every
/// caller that arrives meanwhile waits for that one. In local mode (no app id) there is no token.
/// </summary>
public sealed class BotTokenProvider
{
    /// <summary>The named <see cref="HttpClient"/> that talks to the token endpoint.</summary>
    public const string HttpClientName = "ChatCompliance.Teams.BotToken";

    private readonly ClientCredentialsToken? _token;

    /// <summary>Created by the container; see <see cref="TeamsExtensions.AddTeams"/>.</summary>
    public BotTokenProvider(IHttpClientFactory httpClientFactory, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotTokenProvider> logger)
    {
        var settings = options.Value;
        if (!settings.IsLocalMode)
        {
            var endpoint = settings.TokenEndpoint.Replace("{tenant}", Uri.EscapeDataString(settings.TokenTenant), StringComparison.Ordinal);
            var credentials = new ClientCredentials("Bot Framework", endpoint, settings.MicrosoftAppId!, settings.MicrosoftAppPassword ?? "", settings.TokenScope);
            _token = new ClientCredentialsToken(credentials, httpClientFactory, HttpClientName, time, logger);
        }
    }

    /// <summary>
    /// The current token, fetched when there is none or it is within 5 minutes of expiry;
    /// <see langword="null"/> in local mode. Throws <see cref="BotConnectorException"/> when the endpoint refuses.
    /// </summary>
    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_token is null)
        {
            return null;
        }

        try
        {
            return await _token.GetAsync(cancellationToken);
        }
        catch (TokenRequestException e)
        {
            throw e.StatusCode != 0
                ? new BotConnectorException(e.Message, e.StatusCode, e.ResponseBody)
                : new BotConnectorException(e.Message, e);
        }
    }

    /// <summary>Forgets <paramref name="accessToken"/> when the connector refused it, so the next call fetches another.</summary>
    public void Invalidate(string accessToken) => _token?.Invalidate(accessToken);
}
