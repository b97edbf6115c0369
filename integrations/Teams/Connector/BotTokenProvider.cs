using System.Net.Http.Json;
using System.Text.Json;
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

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private const int MaxBodyChars = 4096;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TeamsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BotTokenProvider> _logger;
    private readonly Lock _gate = new();
    private CachedToken? _token;
    private Task<CachedToken>? _fetch;

    /// <summary>Created by the container; see <see cref="TeamsExtensions.AddTeams"/>.</summary>
    public BotTokenProvider(IHttpClientFactory httpClientFactory, IOptions<TeamsOptions> options, TimeProvider time, ILogger<BotTokenProvider> logger)
    {
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The current token, fetched when there is none or it is within 5 minutes of expiry;
    /// <see langword="null"/> in local mode. Throws <see cref="BotConnectorException"/> when the endpoint refuses.
    /// </summary>
    public async ValueTask<string?> GetTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_options.IsLocalMode)
        {
            return null;
        }

        Task<CachedToken> fetch;
        lock (_gate)
        {
            if (_token is { } token && _time.GetUtcNow() < token.RefreshAt)
            {
                return token.AccessToken;
            }

            // A finished fetch (failed, or its token now stale) is replaced; a running one is shared.
            if (_fetch is null || _fetch.IsCompleted)
            {
                _fetch = FetchAsync();
            }

            fetch = _fetch;
        }

        // A caller that gives up stops waiting; the shared fetch carries on for the others.
        return (await fetch.WaitAsync(cancellationToken)).AccessToken;
    }

    /// <summary>Forgets <paramref name="accessToken"/> when the connector refused it, so the next call fetches another.</summary>
    public void Invalidate(string accessToken)
    {
        lock (_gate)
        {
            if (_token?.AccessToken == accessToken)
            {
                _token = null;
            }
        }
    }

    private async Task<CachedToken> FetchAsync()
    {
        var endpoint = _options.TokenEndpoint.Replace("{tenant}", Uri.EscapeDataString(_options.TokenTenant), StringComparison.Ordinal);
        var requestedAt = _time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", _options.MicrosoftAppId!),
                new("client_secret", _options.MicrosoftAppPassword ?? ""),
                new("scope", _options.TokenScope),
            ]),
        };

        HttpResponseMessage response;
        try
        {
            // Not the caller's token: the fetch is shared, and the client's own timeout bounds it.
            response = await _httpClientFactory.CreateClient(HttpClientName).SendAsync(request, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Log.TokenUnreachable(_logger, e, endpoint);
            throw;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                Log.TokenFailed(_logger, endpoint, response.StatusCode);
                throw new BotConnectorException(
                    $"The Bot Framework token request to {endpoint} failed with {(int)response.StatusCode} {response.ReasonPhrase}.",
                    response.StatusCode,
                    body.Length > MaxBodyChars ? body[..MaxBodyChars] : body);
            }

            TokenResponse? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync(ConnectorJson.Default.TokenResponse, CancellationToken.None);
            }
            catch (JsonException e)
            {
                throw new BotConnectorException($"The Bot Framework token endpoint {endpoint} answered with something other than a token.", e);
            }

            if (string.IsNullOrEmpty(answer?.AccessToken) || answer.ExpiresIn <= 0)
            {
                throw new BotConnectorException($"The Bot Framework token endpoint {endpoint} answered without an access_token or expires_in.");
            }

            var lifetime = TimeSpan.FromSeconds(answer.ExpiresIn);
            var expiresAt = requestedAt + lifetime;
            // A short-lived token is refreshed half-way instead of on every call.
            var margin = lifetime > 2 * RefreshMargin ? RefreshMargin : lifetime / 2;
            var token = new CachedToken(answer.AccessToken, expiresAt - margin);
            lock (_gate)
            {
                _token = token;
            }

            Log.TokenAcquired(_logger, endpoint, expiresAt);
            return token;
        }
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RefreshAt);
}
