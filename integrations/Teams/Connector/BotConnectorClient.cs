using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ChatCompliance.Integrations.Http;
using ChatCompliance.Integrations.Teams.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// The Bot Connector REST client: a typed <see cref="HttpClient"/> whose handlers add the bot's token, pace
/// calls to Teams' rate limits and retry transient failures (see <see cref="TeamsExtensions.AddTeams"/>).
/// Every call goes through one send method that logs and throws <see cref="BotConnectorException"/> on failure.
/// </summary>
public sealed class BotConnectorClient : IBotConnector
{
    private const int MaxBodyChars = 8192;
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly ILogger<BotConnectorClient> _logger;

    /// <summary>Created by the HTTP client factory with the connector's handler chain.</summary>
    public BotConnectorClient(HttpClient http, ILogger<BotConnectorClient> logger)
    {
        _http = http;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(replyToId);
        var uri = ActivitiesUri(serviceUrl, conversationId, replyToId);
        return await SendAsync(HttpMethod.Post, uri, Json(activity, ConnectorJson.Default.Activity), ConnectorJson.Default.ResourceResponse, new(conversationId, TenantOf(activity)), cancellationToken)
            ?? new ResourceResponse(null);
    }

    /// <inheritdoc />
    public async Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default)
    {
        var uri = ActivitiesUri(serviceUrl, conversationId, activityId: null);
        return await SendAsync(HttpMethod.Post, uri, Json(activity, ConnectorJson.Default.Activity), ConnectorJson.Default.ResourceResponse, new(conversationId, TenantOf(activity)), cancellationToken)
            ?? new ResourceResponse(null);
    }

    /// <inheritdoc />
    public async Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, string tenantId, ChannelAccount bot, ChannelAccount member, Activity? activity = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var parameters = new ConversationParameters
        {
            IsGroup = false,
            Bot = bot,
            Members = [member],
            TenantId = tenantId,
            Activity = activity,
            ChannelData = new TeamsChannelData { Tenant = new IdHolder { Id = tenantId } },
        };
        var uri = new Uri(BaseUri(serviceUrl), "v3/conversations");
        var created = await SendAsync(HttpMethod.Post, uri, Json(parameters, ConnectorJson.Default.ConversationParameters), ConnectorJson.Default.ConversationResourceResponse, new(null, tenantId), cancellationToken);
        return created is { Id.Length: > 0 }
            ? created
            : throw new BotConnectorException($"The Bot Connector at {uri} created a conversation but gave no id.");
    }

    /// <inheritdoc />
    public async Task UpdateAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activityId);
        var uri = ActivitiesUri(serviceUrl, conversationId, activityId);
        await SendAsync(HttpMethod.Put, uri, Json(activity, ConnectorJson.Default.Activity), ConnectorJson.Default.ResourceResponse, new(conversationId, TenantOf(activity)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activityId);
        var uri = ActivitiesUri(serviceUrl, conversationId, activityId);
        await SendAsync<ResourceResponse>(HttpMethod.Delete, uri, content: null, responseType: null, new(conversationId, null), cancellationToken);
    }

    /// <summary>The one way out: sends, logs, and turns a failure into <see cref="BotConnectorException"/>.</summary>
    private async Task<T?> SendAsync<T>(HttpMethod method, Uri uri, ByteArrayContent? content, JsonTypeInfo<T>? responseType, ConnectorTarget target, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Options.Set(ConnectorTarget.Key, target);
        DispatchedCall.Mark(request);
        if (content is not null && _logger.IsEnabled(LogLevel.Trace))
        {
            Log.RequestBody(_logger, method, uri, await content.ReadAsStringAsync(cancellationToken));
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (Exception e) when (e is not BotConnectorException && !cancellationToken.IsCancellationRequested)
        {
            Log.Unreachable(_logger, e, method, uri, ElapsedMs(started));
            throw;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Log.Failed(_logger, method, uri, (int)response.StatusCode, ElapsedMs(started));
                Log.FailureBody(_logger, method, uri, body);
                throw new BotConnectorException(
                    $"The Bot Connector answered {method} {uri} with {(int)response.StatusCode} {response.ReasonPhrase}.",
                    response.StatusCode,
                    body.Length > MaxBodyChars ? body[..MaxBodyChars] : body)
                {
                    RetryAfter = OutboundPipeline.RetryAfterOf(response),
                };
            }

            Log.Sent(_logger, method, uri, (int)response.StatusCode, ElapsedMs(started));
            if (responseType is null || string.IsNullOrWhiteSpace(body))
            {
                return null;
            }

            try
            {
                return JsonSerializer.Deserialize(body, responseType);
            }
            catch (JsonException e)
            {
                throw new BotConnectorException($"The Bot Connector answered {method} {uri} with JSON it could not read.", e);
            }
        }
    }

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        // Bytes rather than a stream: a Content-Length, and a body each retry can send again.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = JsonMediaType;
        return content;
    }

    private static Uri ActivitiesUri(string serviceUrl, string conversationId, string? activityId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        var path = new StringBuilder("v3/conversations/").Append(Uri.EscapeDataString(conversationId)).Append("/activities");
        if (activityId is not null)
        {
            path.Append('/').Append(Uri.EscapeDataString(activityId));
        }

        return new Uri(BaseUri(serviceUrl), path.ToString());
    }

    /// <summary>The service URL with exactly one trailing slash, so routes resolve below its path.</summary>
    private static Uri BaseUri(string serviceUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceUrl);
        return Uri.TryCreate(serviceUrl.TrimEnd('/') + "/", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new ArgumentException($"'{serviceUrl}' is not an absolute HTTP(S) URL.", nameof(serviceUrl));
    }

    private static string? TenantOf(Activity activity) => activity.Conversation?.TenantId ?? activity.ChannelData?.Tenant?.Id;

    private static long ElapsedMs(long started) => (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
