using System.Net;
using ChatCompliance.Integrations.Http;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// A Slack Web API call failed: Slack answered <c>ok:false</c> (see <see cref="Error"/>), or an HTTP error that
/// retrying did not cure. Carries the API method, and the missing scopes when Slack names them.
/// </summary>
public sealed class SlackApiException : OutboundCallException
{
    /// <summary>Creates the exception for a failed call.</summary>
    public SlackApiException(string method, string? error, HttpStatusCode statusCode, string message, string? needed = null, string? provided = null)
        : base(message, statusCode)
    {
        Method = method;
        Error = error;
        Needed = needed;
        Provided = provided;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public SlackApiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SlackApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no detail.</summary>
    public SlackApiException()
    {
    }

    /// <summary>The Web API method, e.g. <c>chat.postMessage</c>.</summary>
    public string Method { get; } = "";

    /// <summary>Slack's error code (<c>channel_not_found</c>, <c>missing_scope</c>, …); null for an HTTP failure without one.</summary>
    public string? Error { get; }

    /// <summary>The scope the call needed, on <c>missing_scope</c>.</summary>
    public string? Needed { get; }

    /// <summary>The scopes the token has, on <c>missing_scope</c>.</summary>
    public string? Provided { get; }
}
