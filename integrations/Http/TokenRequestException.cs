using System.Net;

namespace ChatCompliance.Integrations.Http;

/// <summary>
/// A client-credentials token endpoint refused (with its status and body, cut to a few kilobytes) or answered
/// with something other than a token. Each client turns it into its own exception.
/// </summary>
public sealed class TokenRequestException : Exception
{
    /// <summary>The endpoint answered with an error status.</summary>
    public TokenRequestException(string message, HttpStatusCode statusCode, string responseBody)
        : base(message)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public TokenRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TokenRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with no detail.</summary>
    public TokenRequestException()
    {
    }

    /// <summary>The endpoint's HTTP status; null when it answered 2xx with something unusable.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The endpoint's response body (its error JSON, usually).</summary>
    public string ResponseBody { get; } = "";
}
