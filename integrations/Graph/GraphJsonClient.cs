using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatCompliance.Core.Reviews;
using Microsoft.Graph.Models.ODataErrors;

namespace ChatCompliance.Integrations.Graph;

/// <summary>One request inside a JSON <c>$batch</c>: a URL relative to the version root, and what it is for.</summary>
internal sealed record BatchRequest(string Url, GraphOperation Operation);

/// <summary>One answer of a <c>$batch</c>: the status and the body (a detached copy, <c>undefined</c> when there was none).</summary>
internal readonly record struct BatchAnswer(int Status, JsonElement Body)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The answer as the SDK would have thrown it, so <see cref="GraphErrors"/> words it the same way.</summary>
    public ODataError ToError() => GraphJsonClient.ErrorOf(Status, Body);
}

/// <summary>
/// Reads of large populations as plain JSON, without the SDK's models (a backing store per object held 10,000s of
/// users in memory): collection pages streamed item by item through <c>@odata.nextLink</c>, and JSON <c>$batch</c> calls
/// of up to 20 requests. Answers throttled inside a batch (429, 503, 504) are sent again after their
/// <c>Retry-After</c>, and every batch of the read waits for it too; the batch call itself goes through the SDK's retry
/// handler like every other Graph call. Anything unreadable fails closed with a <see cref="DirectoryException"/>.
/// </summary>
internal sealed class GraphJsonClient(HttpClient http, GraphTokenProvider tokens, GraphOptions options, TimeProvider time)
{
    /// <summary>Graph's limit of requests in one <c>$batch</c>.</summary>
    public const int BatchLimit = 20;

    private readonly string _root = options.BaseUrl.TrimEnd('/');
    private long _pausedUntilTicks;

    /// <summary>Every item of a collection, page by page (one page in memory at a time); each item is a detached copy.</summary>
    public async IAsyncEnumerable<JsonElement> ReadPagesAsync(string relativeUrl, GraphOperation operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? url = $"{_root}/{relativeUrl}";
        while (url is not null)
        {
            using var page = await SendAsync(HttpMethod.Get, url, null, operation, cancellationToken);
            if (page.RootElement.ValueKind != JsonValueKind.Object || !page.RootElement.TryGetProperty("value", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                throw Unreadable(operation, "a page without a value array");
            }

            foreach (var item in items.EnumerateArray())
            {
                yield return item.Clone();
            }

            url = page.RootElement.TryGetProperty("@odata.nextLink", out var next) ? NextLink(next, operation) : null;
        }
    }

    /// <summary>The absolute URL of <paramref name="relativeUrl"/> under <see cref="GraphOptions.BaseUrl"/>.</summary>
    public string Absolute(string relativeUrl) => $"{_root}/{relativeUrl}";

    /// <summary>Whether <paramref name="url"/> is under <see cref="GraphOptions.BaseUrl"/>, the only place the token may go.</summary>
    public bool IsUnderRoot(string url) => url.StartsWith(_root + "/", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(url, UriKind.Absolute, out _);

    /// <summary>
    /// One round of a delta query from <paramref name="url"/> (under <see cref="GraphOptions.BaseUrl"/>): every page through
    /// <c>@odata.nextLink</c>, each item to <paramref name="onItem"/>, and the <c>@odata.deltaLink</c> that ends the round.
    /// A page without a value array, with both links or neither, or a link outside Graph:BaseUrl fails closed.
    /// </summary>
    public async Task<string> ReadDeltaRoundAsync(string url, GraphOperation operation, Action<JsonElement> onItem, CancellationToken cancellationToken)
    {
        if (!IsUnderRoot(url))
        {
            throw Unreadable(operation, "a delta link outside Graph:BaseUrl");
        }

        while (true)
        {
            using var page = await SendAsync(HttpMethod.Get, url, null, operation, cancellationToken);
            var root = page.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                throw Unreadable(operation, "a page without a value array");
            }

            foreach (var item in items.EnumerateArray())
            {
                onItem(item);
            }

            switch (root.TryGetProperty("@odata.nextLink", out var next), root.TryGetProperty("@odata.deltaLink", out var delta))
            {
                case (true, false):
                    url = NextLink(next, operation);
                    break;
                case (false, true):
                    return delta.ValueKind == JsonValueKind.String && delta.GetString() is { } link && IsUnderRoot(link)
                        ? link
                        : throw Unreadable(operation, "a delta link outside Graph:BaseUrl");
                default:
                    throw Unreadable(operation, "a delta page with both a next and a delta link, or neither");
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="requests"/> (at most <see cref="BatchLimit"/>) as one <c>$batch</c> and returns the answers in
    /// the same order. Throttled answers are retried up to <see cref="GraphOptions.MaxRetries"/> times within
    /// <see cref="GraphOptions.MaxRetryWaitSeconds"/>; still throttled after that, the read fails as Unavailable.
    /// </summary>
    public async Task<BatchAnswer[]> BatchAsync(IReadOnlyList<BatchRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(requests.Count, BatchLimit);
        var answers = new BatchAnswer[requests.Count];
        var pending = Enumerable.Range(0, requests.Count).ToList();
        var waited = TimeSpan.Zero;
        for (var attempt = 0; ; attempt++)
        {
            await WaitWhilePausedAsync(cancellationToken);
            var throttled = new List<int>();
            var retryAfter = TimeSpan.Zero;
            foreach (var (index, answer, wait) in await SendBatchAsync(requests, pending, cancellationToken))
            {
                answers[index] = answer;
                if (answer.Status is 429 or 503 or 504)
                {
                    throttled.Add(index);
                    retryAfter = wait ?? TimeSpan.FromSeconds(Math.Pow(2, attempt));
                }
            }

            if (throttled.Count == 0)
            {
                return answers;
            }

            if (attempt >= options.MaxRetries || waited + retryAfter > TimeSpan.FromSeconds(options.MaxRetryWaitSeconds))
            {
                var first = throttled[0];
                throw GraphErrors.Translate(answers[first].ToError(), requests[first].Operation, options.MaxRetries)!;
            }

            // Graph throttles the app in the tenant, not one request: the other batches of this read hold back too.
            Pause(retryAfter);
            waited += retryAfter;
            pending = throttled;
        }
    }

    private async Task<List<(int Index, BatchAnswer Answer, TimeSpan? RetryAfter)>> SendBatchAsync(IReadOnlyList<BatchRequest> requests, List<int> pending, CancellationToken cancellationToken)
    {
        var operation = requests[pending[0]].Operation;
        var body = new ArrayBufferWriter<byte>(128 * pending.Count);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("requests");
            foreach (var index in pending)
            {
                writer.WriteStartObject();
                writer.WriteString("id", index.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("method", "GET");
                writer.WriteString("url", "/" + requests[index].Url);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var document = await SendAsync(HttpMethod.Post, $"{_root}/$batch", body.WrittenMemory.ToArray(), operation, cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
        {
            throw Unreadable(operation, "no responses array");
        }

        var answered = new List<(int, BatchAnswer, TimeSpan?)>(pending.Count);
        var seen = new HashSet<int>();
        foreach (var response in responses.EnumerateArray())
        {
            if (response.ValueKind != JsonValueKind.Object
                || !response.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
                || !int.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || !pending.Contains(index) || !seen.Add(index)
                || !response.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Number || !status.TryGetInt32(out var code))
            {
                throw Unreadable(operation, "an answer without a known id or a status");
            }

            var content = response.TryGetProperty("body", out var b) ? b.Clone() : default;
            answered.Add((index, new BatchAnswer(code, content), RetryAfter(response)));
        }

        if (seen.Count != pending.Count)
        {
            throw Unreadable(operation, $"{pending.Count - seen.Count} of {pending.Count} requests unanswered");
        }

        return answered;
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string url, byte[]? json, GraphOperation operation, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new ByteArrayContent(json);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var token = await tokens.GetAuthorizationTokenAsync(request.RequestUri!, cancellationToken: cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException) when (response.IsSuccessStatusCode)
        {
            throw Unreadable(operation, "not JSON");
        }
        catch (JsonException)
        {
            throw ErrorOf((int)response.StatusCode, default);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (document)
            {
                throw ErrorOf((int)response.StatusCode, document.RootElement);
            }
        }

        return document;
    }

    /// <summary>The next page's link, only when it stays under <see cref="GraphOptions.BaseUrl"/> (the token goes with it).</summary>
    private string NextLink(JsonElement next, GraphOperation operation) =>
        next.ValueKind == JsonValueKind.String && next.GetString() is { } link && link.StartsWith(_root + "/", StringComparison.OrdinalIgnoreCase)
            ? link
            : throw Unreadable(operation, "a next-page link outside Graph:BaseUrl");

    private static TimeSpan? RetryAfter(JsonElement response)
    {
        if (response.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headers.EnumerateObject())
            {
                if (header.NameEquals("Retry-After") || string.Equals(header.Name, "Retry-After", StringComparison.OrdinalIgnoreCase))
                {
                    var text = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString() : header.Value.GetRawText();
                    return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
                }
            }
        }

        return null;
    }

    private void Pause(TimeSpan wait)
    {
        var until = time.GetUtcNow().Add(wait).UtcTicks;
        long current;
        do
        {
            current = Interlocked.Read(ref _pausedUntilTicks);
        }
        while (until > current && Interlocked.CompareExchange(ref _pausedUntilTicks, until, current) != current);
    }

    private async Task WaitWhilePausedAsync(CancellationToken cancellationToken)
    {
        var wait = new DateTimeOffset(Interlocked.Read(ref _pausedUntilTicks), TimeSpan.Zero) - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>Graph's error body as the SDK's exception: the status, and Graph's code and message when it sent them.</summary>
    public static ODataError ErrorOf(int status, JsonElement body)
    {
        var error = new ODataError { ResponseStatusCode = status };
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var detail) && detail.ValueKind == JsonValueKind.Object)
        {
            error.Error = new MainError { Code = Text(detail, "code"), Message = Text(detail, "message") };
        }

        return error;
    }

    /// <summary>A string property, or null when absent or not a string.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An answer that can't be read: the read fails closed, in words the lead can act on.</summary>
    public static DirectoryException Unreadable(GraphOperation operation, string what) => new(
        DirectoryProblem.Unavailable,
        $"Microsoft Graph sent an answer ChatCompliance couldn't read ({what}) when trying to {operation.Action}; nothing was changed: try again in a few minutes.");
}
