using System.Net;
using ChatCompliance.Integrations.Http;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// The Bot Connector, or the token endpoint in front of it, answered with an error that retrying did not
/// cure (or that is not worth retrying), or with something it could not read (status 0).
/// </summary>
public sealed class BotConnectorException : OutboundCallException
{
    /// <summary>Creates the exception for a failed exchange.</summary>
    public BotConnectorException(string message, HttpStatusCode statusCode, string responseBody)
        : base(message, statusCode, responseBody)
    {
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

    /// <summary>True for the statuses Teams asks callers to retry: 412, 429 and server errors other than 501.</summary>
    public bool IsTransient => IsTransientStatus(StatusCode);

    internal static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.PreconditionFailed or HttpStatusCode.TooManyRequests
        || ((int)status >= 500 && status != HttpStatusCode.NotImplemented);
}
