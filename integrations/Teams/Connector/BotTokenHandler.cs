using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// Adds <c>Authorization: Bearer</c> with the bot's token to every Bot Connector request (none in local mode).
/// The token only travels over HTTPS, or plain HTTP to this machine (local tools and tests).
/// </summary>
public sealed class BotTokenHandler : DelegatingHandler
{
    private readonly BotTokenProvider _tokens;
    private readonly ILogger<BotTokenHandler> _logger;

    /// <summary>Created by the container for each connector client's handler chain.</summary>
    public BotTokenHandler(BotTokenProvider tokens, ILogger<BotTokenHandler> logger)
    {
        _tokens = tokens;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await _tokens.GetTokenAsync(cancellationToken);
        if (token is null)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        if (request.RequestUri is not { } uri || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new InvalidOperationException($"Refusing to send the bot's token to {request.RequestUri}: service URLs must be HTTPS (plain HTTP only to this machine).");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // A revoked or rotated token: not retried here, but not reused either.
            _tokens.Invalidate(token);
            Log.TokenRefused(_logger, uri);
        }

        return response;
    }
}
