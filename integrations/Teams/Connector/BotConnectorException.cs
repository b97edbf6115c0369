using System.Net;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// The Bot Connector, or the token endpoint in front of it, answered with an error that retrying did not
/// cure (or that is not worth retrying). Carries the HTTP status and the response body as the service sent it.
/// </summary>
public sealed class BotConnectorException : Exception
{
    /// <summary>Creates the exception for a failed exchange.</summary>
    public BotConnectorException(string message, HttpStatusCode statusCode, string responseBody)
        : base(message)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public BotConnectorException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public BotConnectorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no detail.</summary>
    public BotConnectorException()
    {
    }

    /// <summary>The HTTP status the service answered with.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The response body (the service's error JSON, usually), cut to a few kilobytes.</summary>
    public string ResponseBody { get; } = "";

    /// <summary>How long the service asked callers to wait (its <c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True for the statuses Teams asks callers to retry: 412, 429 and server errors other than 501.</summary>
    public bool IsTransient => IsTransientStatus(StatusCode);

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.PreconditionFailed or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);
}
