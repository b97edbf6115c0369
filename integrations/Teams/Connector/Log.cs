using System.Net;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>Log lines of the outbound Bot Connector client (EventIds 3100–3149). Bodies only at Debug/Trace; tokens never.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Bot Connector {Method} {Uri} answered {StatusCode} in {ElapsedMs} ms")]
    public static partial void Sent(ILogger logger, HttpMethod method, Uri uri, int statusCode, long elapsedMs);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Bot Connector {Method} {Uri} failed with {StatusCode} after {ElapsedMs} ms")]
    public static partial void Failed(ILogger logger, HttpMethod method, Uri uri, int statusCode, long elapsedMs);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Bot Connector {Method} {Uri} error body: {Body}")]
    public static partial void FailureBody(ILogger logger, HttpMethod method, Uri uri, string body);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Trace, Message = "Bot Connector {Method} {Uri} request body: {Body}")]
    public static partial void RequestBody(ILogger logger, HttpMethod method, Uri uri, string body);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Bot Connector {Method} {Uri} could not be completed after {ElapsedMs} ms")]
    public static partial void Unreachable(ILogger logger, Exception exception, HttpMethod method, Uri uri, long elapsedMs);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Bot Connector {Method} {Uri}: {Outcome}; retry {Attempt} in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, HttpMethod? method, Uri? uri, string outcome, int attempt, long delayMs);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Information, Message = "The Bot Connector refused the bot's token at {Uri}; the next call fetches a new one")]
    public static partial void TokenRefused(ILogger logger, Uri? uri);
}
