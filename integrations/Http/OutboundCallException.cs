using System.Net;

namespace ChatCompliance.Integrations.Http;

/// <summary>
/// A call to an outside service (a chat platform's API, or the token endpoint in front of it) failed in a way that
/// retrying did not cure. Carries what the service said: its HTTP status (0 when it never answered), its response
/// body cut to a few kilobytes, and how long it asked callers to wait. Each client derives its own exception.
/// </summary>
public abstract class OutboundCallException : Exception
{
    /// <summary>Creates the exception for an answered call.</summary>
    protected OutboundCallException(string message, HttpStatusCode statusCode, string responseBody = "")
        : base(message)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>Creates the exception with a message only.</summary>
    protected OutboundCallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    protected OutboundCallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no detail.</summary>
    protected OutboundCallException()
    {
    }

    /// <summary>The HTTP status of the last answer; 0 when the service never answered with one.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The response body (the service's error JSON, usually).</summary>
    public string ResponseBody { get; } = "";

    /// <summary>How long the service asked callers to wait (its <c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
