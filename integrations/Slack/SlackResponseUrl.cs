using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// Answers through an interaction's <c>response_url</c>: the only way to replace an ephemeral message (such as a
/// slash command's answer), which <c>chat.update</c> cannot touch. The URL comes from a signed request, yet it is
/// still only called on Slack's own host (or the configured Web API host, for tests), and never with the bot token.
/// </summary>
public sealed class SlackResponseUrl(HttpClient http, IOptions<SlackOptions> options)
{
    public const string SlackHooksHost = "hooks.slack.com";

    /// <summary>True when the address is one we may post to.</summary>
    public bool IsAllowed(string? responseUrl) =>
        Uri.TryCreate(responseUrl, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps && uri.Host == SlackHooksHost
            || Uri.TryCreate(options.Value.ApiBaseUrl, UriKind.Absolute, out var api) && uri.Scheme == api.Scheme && uri.Authority == api.Authority);

    /// <summary>Replaces the message the interaction came from with <paramref name="text"/> and <paramref name="blocks"/>.</summary>
    public async Task ReplaceOriginalAsync(string responseUrl, string text, JsonArray? blocks, CancellationToken cancellationToken = default)
    {
        if (!IsAllowed(responseUrl))
        {
            throw new SlackApiException($"Refusing to post to response_url on another host than {SlackHooksHost}.");
        }

        var body = new JsonObject { ["replace_original"] = true, ["text"] = text };
        if (blocks is not null)
        {
            body["blocks"] = blocks.DeepClone();
        }

        using var response = await http.PostAsJsonAsync(responseUrl, body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new SlackApiException($"Slack response_url answered {(int)response.StatusCode}.");
        }
    }
}
