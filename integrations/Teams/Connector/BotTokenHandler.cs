using System.Net;
using System.Net.Http.Headers;
using ChatCompliance.Integrations.Teams.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// Adds <c>Authorization: Bearer</c> with the bot's token to every Bot Connector request (none in local mode).
/// The token only travels to an allowed Bot Framework service URL (<see cref="TeamsOptions.ServiceUrlPrefixes"/>),
/// over HTTPS or plain HTTP to this machine (local tools and tests).
/// </summary>
public sealed class BotTokenHandler : DelegatingHandler
{
    private readonly BotTokenProvider _tokens;
    private readonly ILogger<BotTokenHandler> _logger;
    private readonly TeamsOptions _options;

    /// <summary>Created by the container for each connector client's handler chain.</summary>
    public BotTokenHandler(BotTokenProvider tokens, IOptions<TeamsOptions> options, ILogger<BotTokenHandler> logger)
    {
        _tokens = tokens;
        _options = options.Value;
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

        if (request.RequestUri is not { } uri || !ServiceUrlPolicy.IsAllowed(uri, _options.ServiceUrlPrefixes))
        {
            throw new InvalidOperationException($"Refusing to send the bot's token to {request.RequestUri}: it is not an allowed Bot Framework service URL (Teams:AllowedServiceUrls).");
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
