using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// Adds <c>Authorization: Bearer</c> with the bot token to every Web API request. The token only travels over
/// HTTPS, or plain HTTP to this machine (tests).
/// </summary>
public sealed class SlackTokenHandler : DelegatingHandler
{
    private readonly IOptionsMonitor<SlackOptions> _options;

    /// <summary>Created by the container for each Slack client's handler chain.</summary>
    public SlackTokenHandler(IOptionsMonitor<SlackOptions> options)
    {
        _options = options;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = _options.CurrentValue.BotToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new InvalidOperationException($"No Slack bot token: set {SlackOptions.SectionName}:{nameof(SlackOptions.BotToken)} or {SlackOptions.BotTokenVariable}.");
        }

        if (request.RequestUri is not { } uri || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new InvalidOperationException($"Refusing to send the Slack bot token to {request.RequestUri?.GetLeftPart(UriPartial.Authority)}: the API must be HTTPS (plain HTTP only to this machine).");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}
