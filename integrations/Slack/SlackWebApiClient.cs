using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// The Slack Web API client: a typed <see cref="HttpClient"/> whose handlers add the bot token, pace calls to
/// Slack's tiers and retry 429s and server errors (see <see cref="SlackExtensions.AddSlack"/>). Every call goes
/// through one send method that logs and throws <see cref="SlackApiException"/>.
/// </summary>
public sealed class SlackWebApiClient : ISlackWebApi
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly ILogger<SlackWebApiClient> _logger;

    /// <summary>Created by the HTTP client factory with the Slack handler chain.</summary>
    public SlackWebApiClient(HttpClient http, ILogger<SlackWebApiClient> logger)
    {
        _http = http;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<SlackMessage> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, SlackMetadata? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        var body = new JsonObject { ["channel"] = channel, ["text"] = text };
        AddIfSet(body, "blocks", blocks);
        AddIfSet(body, "thread_ts", threadTs);
        if (metadata is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(metadata.EventType);
            var payload = new JsonObject();
            foreach (var (name, value) in metadata.Payload)
            {
                payload[name] = value;
            }

            body["metadata"] = new JsonObject { ["event_type"] = metadata.EventType, ["event_payload"] = payload };
        }

        var root = await PostJsonAsync("chat.postMessage", body, channel, cancellationToken);
        return new SlackMessage(String(root, "channel") ?? channel, Required(root, "ts", "chat.postMessage"));
    }

    /// <inheritdoc />
    public async Task<string?> FindMessageByMetadataAsync(string channel, DateTimeOffset oldest, string eventType, string field, string value, int maxPages = 10, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        var since = (oldest.ToUnixTimeMilliseconds() / 1000m).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture);
        string? cursor = null;
        for (var page = 0; page < maxPages; page++)
        {
            var query = $"channel={Uri.EscapeDataString(channel)}&oldest={since}&inclusive=true&include_all_metadata=true&limit=200"
                + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var root = await GetAsync("conversations.history", query, cancellationToken);
            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("conversations.history", "messages");
            }

            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("metadata", out var metadata)
                    && String(metadata, "event_type") == eventType
                    && metadata.TryGetProperty("event_payload", out var payload) && String(payload, field) == value
                    && String(message, "ts") is { Length: > 0 } ts)
                {
                    return ts;
                }
            }

            cursor = root.TryGetProperty("response_metadata", out var meta) ? String(meta, "next_cursor") : null;
            if (string.IsNullOrEmpty(cursor) || !(root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True))
            {
                return null;
            }
        }

        throw new SlackApiException("conversations.history", "too_many_pages", HttpStatusCode.OK,
            $"Slack conversations.history: more than {maxPages} pages since {since}; the message was not looked for further.");
    }

    /// <inheritdoc />
    public async Task<SlackMessage> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(ts);
        var body = new JsonObject { ["channel"] = channel, ["ts"] = ts, ["text"] = text };
        AddIfSet(body, "blocks", blocks);
        var root = await PostJsonAsync("chat.update", body, channel: null, cancellationToken);
        return new SlackMessage(String(root, "channel") ?? channel, String(root, "ts") ?? ts);
    }

    /// <inheritdoc />
    public async Task DeleteMessageAsync(string channel, string ts, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(ts);
        await PostJsonAsync("chat.delete", new JsonObject { ["channel"] = channel, ["ts"] = ts }, channel: null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<SlackEphemeral> PostEphemeralAsync(string channel, string user, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        var body = new JsonObject { ["channel"] = channel, ["user"] = user, ["text"] = text };
        AddIfSet(body, "blocks", blocks);
        AddIfSet(body, "thread_ts", threadTs);
        var root = await PostJsonAsync("chat.postEphemeral", body, channel: null, cancellationToken);
        return new SlackEphemeral(Required(root, "message_ts", "chat.postEphemeral"));
    }

    /// <inheritdoc />
    public async Task<SlackView> OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(triggerId);
        var root = await PostJsonAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view.DeepClone() }, channel: null, cancellationToken);
        return ViewOf(root, "views.open");
    }

    /// <inheritdoc />
    public async Task<SlackView> PublishViewAsync(string userId, JsonObject view, string? hash = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var body = new JsonObject { ["user_id"] = userId, ["view"] = view.DeepClone() };
        AddIfSet(body, "hash", hash);
        var root = await PostJsonAsync("views.publish", body, channel: null, cancellationToken);
        return ViewOf(root, "views.publish");
    }

    /// <inheritdoc />
    public async Task<string> OpenConversationAsync(IReadOnlyCollection<string> users, CancellationToken cancellationToken = default)
    {
        if (users.Count == 0 || users.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("At least one user id, none empty.", nameof(users));
        }

        var root = await PostJsonAsync("conversations.open", new JsonObject { ["users"] = string.Join(',', users) }, channel: null, cancellationToken);
        return root.TryGetProperty("channel", out var channel) && String(channel, "id") is { Length: > 0 } id
            ? id
            : throw Malformed("conversations.open", "channel.id");
    }

    /// <inheritdoc />
    public async Task<SlackUser> LookupUserByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var root = await GetAsync("users.lookupByEmail", "email=" + Uri.EscapeDataString(email), cancellationToken);
        return UserOf(root, "users.lookupByEmail");
    }

    /// <inheritdoc />
    public async Task<SlackUser> GetUserInfoAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        var root = await GetAsync("users.info", "user=" + Uri.EscapeDataString(userId), cancellationToken);
        return UserOf(root, "users.info");
    }

    private Task<JsonElement> PostJsonAsync(string method, JsonObject body, string? channel, CancellationToken cancellationToken)
    {
        // Bytes rather than a stream: a Content-Length, and a body each retry can send again.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, SlackJson.Default.JsonObject));
        content.Headers.ContentType = JsonMediaType;
        return SendAsync(HttpMethod.Post, method, query: null, content, channel, cancellationToken);
    }

    private Task<JsonElement> GetAsync(string method, string query, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, method, query, content: null, channel: null, cancellationToken);

    /// <summary>The one way out: sends, logs, and turns an HTTP failure or <c>ok:false</c> into <see cref="SlackApiException"/>.</summary>
    private async Task<JsonElement> SendAsync(HttpMethod httpMethod, string method, string? query, ByteArrayContent? content, string? channel, CancellationToken cancellationToken)
    {
        // The query (an email, a user id) stays out of the logs: only the method is logged.
        using var request = new HttpRequestMessage(httpMethod, query is null ? method : method + "?" + query) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Options.Set(SlackCall.Key, new SlackCall(method, channel));
        Http.DispatchedCall.Mark(request);
        if (content is not null && _logger.IsEnabled(LogLevel.Trace))
        {
            Log.RequestBody(_logger, method, await content.ReadAsStringAsync(cancellationToken));
        }

        var started = Stopwatch.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (Exception e) when (e is not SlackApiException && !cancellationToken.IsCancellationRequested)
        {
            Log.Unreachable(_logger, e, method, ElapsedMs(started));
            throw new SlackApiException($"Slack {method} could not be completed: {e.Message}", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement root = default;
            var parsed = TryParse(body, out root);
            if (!response.IsSuccessStatusCode)
            {
                var error = parsed ? String(root, "error") : null;
                Log.Failed(_logger, method, (int)response.StatusCode, error, ElapsedMs(started));
                throw new SlackApiException(method, error, response.StatusCode, $"Slack {method} answered {(int)response.StatusCode} {response.ReasonPhrase}{(error is null ? "" : ": " + error)}.")
                {
                    RetryAfter = Http.OutboundPipeline.RetryAfterOf(response),
                };
            }

            if (!parsed || root.ValueKind != JsonValueKind.Object)
            {
                Log.Failed(_logger, method, (int)response.StatusCode, "invalid_json", ElapsedMs(started));
                throw new SlackApiException(method, "invalid_json", response.StatusCode, $"Slack {method} answered with a body that is not a JSON object.");
            }

            if (!root.TryGetProperty("ok", out var ok) || ok.ValueKind != JsonValueKind.True)
            {
                var error = String(root, "error") ?? "unknown_error";
                var needed = String(root, "needed");
                var provided = String(root, "provided");
                Log.NotOk(_logger, method, error, needed, provided, ElapsedMs(started));
                throw new SlackApiException(
                    method,
                    error,
                    response.StatusCode,
                    $"Slack {method} failed: {error}{(needed is null ? "" : $" (needed {needed}; provided {provided})")}.",
                    needed,
                    provided);
            }

            Log.Sent(_logger, method, ElapsedMs(started));
            if (root.TryGetProperty("warning", out var warning) && warning.ValueKind == JsonValueKind.String)
            {
                Log.Warned(_logger, method, warning.GetString()!);
            }

            return root;
        }
    }

    private static bool TryParse(string body, out JsonElement root)
    {
        root = default;
        if (string.IsNullOrWhiteSpace(body))
        {
            return false;
        }

        try
        {
            // Cloned, so the element outlives the document.
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static SlackView ViewOf(JsonElement root, string method) =>
        root.TryGetProperty("view", out var view) && String(view, "id") is { Length: > 0 } id
            ? new SlackView(id, String(view, "hash"))
            : throw Malformed(method, "view.id");

    private static SlackUser UserOf(JsonElement root, string method)
    {
        if (!root.TryGetProperty("user", out var user) || String(user, "id") is not { Length: > 0 } id)
        {
            throw Malformed(method, "user.id");
        }

        var profile = user.TryGetProperty("profile", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        return new SlackUser(
            id,
            String(user, "team_id"),
            String(user, "name"),
            String(user, "real_name") ?? (profile.ValueKind == JsonValueKind.Object ? String(profile, "real_name") : null),
            profile.ValueKind == JsonValueKind.Object ? String(profile, "email") : null,
            Bool(user, "is_bot"),
            Bool(user, "deleted"));
    }

    private static void AddIfSet(JsonObject body, string name, JsonArray? value)
    {
        if (value is not null)
        {
            body[name] = value.DeepClone();
        }
    }

    private static void AddIfSet(JsonObject body, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            body[name] = value;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Required(JsonElement root, string name, string method) => String(root, name) ?? throw Malformed(method, name);

    private static SlackApiException Malformed(string method, string field) =>
        new(method, "invalid_response", HttpStatusCode.OK, $"Slack {method} answered ok but without {field}.");

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
