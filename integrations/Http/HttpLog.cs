using System.Net;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Http;

/// <summary>Log lines shared by the outbound clients (EventIds 3050–3099). Secrets and tokens never.</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 3051, Level = LogLevel.Debug, Message = "{Service} token acquired from {Endpoint}, valid until {ExpiresAt:O}")]
    public static partial void TokenAcquired(ILogger logger, string service, string endpoint, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 3052, Level = LogLevel.Warning, Message = "{Service} token request to {Endpoint} failed with {StatusCode}")]
    public static partial void TokenFailed(ILogger logger, string service, string endpoint, HttpStatusCode statusCode);

    [LoggerMessage(EventId = 3053, Level = LogLevel.Warning, Message = "{Service} token request to {Endpoint} could not be completed")]
    public static partial void TokenUnreachable(ILogger logger, Exception exception, string service, string endpoint);
}
