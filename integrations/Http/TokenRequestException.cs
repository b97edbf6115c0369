using System.Net;

namespace ChatCompliance.Integrations.Http;

/// <summary>
/// A client-credentials token endpoint refused (with its status and body) or answered with something other than a
/// token (status 0). Each client turns it into its own exception.
/// </summary>
public sealed class TokenRequestException : OutboundCallException
{
    /// <summary>The endpoint answered with an error status.</summary>
    public TokenRequestException(string message, HttpStatusCode statusCode, string responseBody)
        : base(message, statusCode, responseBody)
    {
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
}
