using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Slack;

/// <summary>Log lines of the Slack Web API client (EventIds 3200–3249). Bodies only at Trace; tokens and queries never.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Slack {Method} ok in {ElapsedMs} ms")]
    public static partial void Sent(ILogger logger, string method, long elapsedMs);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Slack {Method} failed with HTTP {StatusCode} ({Error}) after {ElapsedMs} ms")]
    public static partial void Failed(ILogger logger, string method, int statusCode, string? error, long elapsedMs);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Slack {Method} answered ok:false with {Error} (needed {Needed}, provided {Provided}) after {ElapsedMs} ms")]
    public static partial void NotOk(ILogger logger, string method, string error, string? needed, string? provided, long elapsedMs);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Trace, Message = "Slack {Method} request body: {Body}")]
    public static partial void RequestBody(ILogger logger, string method, string body);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Warning, Message = "Slack {Method} could not be completed after {ElapsedMs} ms")]
    public static partial void Unreachable(ILogger logger, Exception exception, string method, long elapsedMs);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Information, Message = "Slack {Method}: {Outcome}; retry {Attempt} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string? method, string outcome, int attempt, long delayMs);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Information, Message = "Slack {Method} warned: {Warning}")]
    public static partial void Warned(ILogger logger, string method, string warning);
}
