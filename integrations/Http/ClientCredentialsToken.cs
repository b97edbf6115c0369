using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Http;

/// <summary>What a client-credentials token is asked for with; <paramref name="Service"/> names the API in messages ("Microsoft Graph").</summary>
internal sealed record ClientCredentials(string Service, string Endpoint, string ClientId, string ClientSecret, string Scope);

/// <summary>
/// One application's OAuth 2.0 client-credentials token, cached until 5 minutes before it expires (half-way for
/// short-lived ones; time from the injected <see cref="TimeProvider"/>). At most one token request is in flight,
/// and every caller that arrives meanwhile waits for that one. Used by the Bot Connector and Microsoft Graph clients.
/// </summary>
internal sealed class ClientCredentialsToken
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private const int MaxBodyChars = 4096;

    private readonly ClientCredentials _credentials;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly string _httpClientName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private CachedToken? _token;
    private Task<CachedToken>? _fetch;

    /// <param name="credentials">The endpoint (already holding the tenant), client id, secret and scope.</param>
    /// <param name="httpClientFactory">Gives the named client that talks to the token endpoint.</param>
    /// <param name="httpClientName">The named client's name (its timeout bounds a fetch).</param>
    /// <param name="time">The clock for expiry.</param>
    /// <param name="logger">The owner's logger, so token lines carry the owner's category.</param>
    public ClientCredentialsToken(ClientCredentials credentials, IHttpClientFactory httpClientFactory, string httpClientName, TimeProvider time, ILogger logger)
    {
        _credentials = credentials;
        _httpClientFactory = httpClientFactory;
        _httpClientName = httpClientName;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The current token, fetched when there is none or it is due for refresh. Throws <see cref="TokenRequestException"/>
    /// when the endpoint refuses or answers with something other than a token; network errors and timeouts pass through.
    /// </summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken = default)
    {
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

    /// <summary>Forgets <paramref name="accessToken"/> when the API refused it, so the next call fetches another.</summary>
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
        var (service, endpoint, clientId, clientSecret, scope) = _credentials;
        var requestedAt = _time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", clientId),
                new("client_secret", clientSecret),
                new("scope", scope),
            ]),
        };

        HttpResponseMessage response;
        try
        {
            // Not the caller's token: the fetch is shared, and the client's own timeout bounds it.
            response = await _httpClientFactory.CreateClient(_httpClientName).SendAsync(request, CancellationToken.None);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            HttpLog.TokenUnreachable(_logger, e, service, endpoint);
            throw;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                HttpLog.TokenFailed(_logger, service, endpoint, response.StatusCode);
                throw new TokenRequestException(
                    $"The {service} token request to {endpoint} failed with {(int)response.StatusCode} {response.ReasonPhrase}.",
                    response.StatusCode,
                    body.Length > MaxBodyChars ? body[..MaxBodyChars] : body);
            }

            TokenResponse? answer;
            try
            {
                answer = await response.Content.ReadFromJsonAsync(TokenJson.Default.TokenResponse, CancellationToken.None);
            }
            catch (JsonException e)
            {
                throw new TokenRequestException($"The {service} token endpoint {endpoint} answered with something other than a token.", e);
            }

            if (string.IsNullOrEmpty(answer?.AccessToken) || answer.ExpiresIn <= 0)
            {
                throw new TokenRequestException($"The {service} token endpoint {endpoint} answered without an access_token or expires_in.");
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

            HttpLog.TokenAcquired(_logger, service, endpoint, expiresAt);
            return token;
        }
    }

    private sealed record CachedToken(string AccessToken, DateTimeOffset RefreshAt);
}

/// <summary>The client-credentials answer: <c>{token_type, expires_in, access_token}</c>.</summary>
internal sealed class TokenResponse
{
    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }

    [JsonPropertyName("expires_in")]
    public long ExpiresIn { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class TokenJson : JsonSerializerContext;
