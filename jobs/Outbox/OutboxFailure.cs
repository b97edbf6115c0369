using System.Net;
using System.Text.Json;
using ChatCompliance.Integrations.Http;
using ChatCompliance.Integrations.Slack;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>What a failed send means for the message: try again (when), or give up.</summary>
internal sealed record OutboxFailure(bool Permanent, bool Throttled, TimeSpan? RetryAfter, string Error)
{
    private const int MaxErrorLength = 2000;

    /// <summary>Slack's <c>ok:false</c> codes worth retrying; every other code is a problem a retry will not cure.</summary>
    private static readonly HashSet<string> TransientSlackErrors = new(StringComparer.Ordinal)
    {
        "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "invalid_json",
    };

    public static OutboxFailure Permanently(string error) => new(true, false, null, Cut(error));

    /// <summary>
    /// Transient: network errors, 408, 412 (Teams asks for retries), 429 (with its Retry-After) and 5xx but 501.
    /// Permanent: every other 4xx (the conversation is gone, the bot was removed, the card is refused) and Slack's other codes.
    /// A send that timed out may have reached the platform: it is permanent (reported, never sent twice) unless
    /// <paramref name="resendUncertain"/> (<see cref="OutboxOptions.ResendAfterCrash"/>) prefers at least once.
    /// </summary>
    public static OutboxFailure Classify(Exception e, bool resendUncertain = false) => e switch
    {
        TimeoutException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException when !resendUncertain =>
            Permanently($"The send timed out, so the message may or may not have arrived; it is not sent again, so it cannot arrive twice ({e.Message})"),
        SlackApiException { Error: { } code } s when s.StatusCode == HttpStatusCode.OK =>
            TransientSlackErrors.Contains(code) ? Transient(s.Message, s.RetryAfter, code == "ratelimited") : Permanently(s.Message),
        OutboundCallException { StatusCode: 0, InnerException: JsonException } o => Permanently(o.Message),
        OutboundCallException { StatusCode: 0 } o => Transient(o.Message, null, throttled: false),
        OutboundCallException o => Http(o.StatusCode, o.RetryAfter, o.ResponseBody.Length == 0 ? o.Message : $"{o.Message} {o.ResponseBody}"),
        HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException or TaskCanceledException or IOException => Transient(e.Message, null, throttled: false),
        _ => Permanently($"{e.GetType().Name}: {e.Message}"),
    };

    private static OutboxFailure Http(HttpStatusCode status, TimeSpan? retryAfter, string error) => status switch
    {
        HttpStatusCode.TooManyRequests => Transient(error, retryAfter, throttled: true),
        HttpStatusCode.RequestTimeout or HttpStatusCode.PreconditionFailed => Transient(error, retryAfter, throttled: false),
        >= HttpStatusCode.InternalServerError and not HttpStatusCode.NotImplemented => Transient(error, retryAfter, throttled: false),
        _ => Permanently(error),
    };

    public static OutboxFailure Transient(string error, TimeSpan? retryAfter, bool throttled) => new(false, throttled, retryAfter, Cut(error));

    private static string Cut(string error) => error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
}
