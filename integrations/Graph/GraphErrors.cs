using System.Net;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Integrations.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace ChatCompliance.Integrations.Graph;

/// <summary>
/// What a Graph call was for, in words a compliance lead reads: <paramref name="Action"/> completes "ChatCompliance
/// isn't allowed to …", <paramref name="Permission"/> is the application permission that allows it, and
/// <paramref name="NotFound"/> says what a 404 means.
/// </summary>
internal sealed record GraphOperation(string Action, string Permission, string NotFound);

/// <summary>Turns the SDK's and the token endpoint's failures into <see cref="DirectoryException"/>s.</summary>
internal static class GraphErrors
{
    /// <summary>The HTTP status of a Graph error, or null for anything that isn't one.</summary>
    public static int? Status(Exception e) => Unwrap(e) is ApiException api && api.ResponseStatusCode > 0 ? api.ResponseStatusCode : null;

    /// <summary>Graph's error code (<c>Authorization_RequestDenied</c>, …) when it sent one.</summary>
    public static string? Code(Exception e) => (Unwrap(e) as ODataError)?.Error?.Code;

    /// <summary>The last answer when the SDK's retry handler gave up (it throws them all, aggregated).</summary>
    public static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions: [.., var last] } aggregate && aggregate.InnerExceptions.All(i => i is ApiException) ? last : e;

    /// <summary>The exception to throw instead of <paramref name="e"/>, or null when it isn't Graph's or the token endpoint's.</summary>
    public static DirectoryException? Translate(Exception e, GraphOperation operation, int maxRetries) => Unwrap(e) switch
    {
        TokenRequestException { StatusCode: not 0 and var status } token when (int)status < 500 && status != HttpStatusCode.TooManyRequests => new DirectoryException(
            DirectoryProblem.NotConfigured,
            $"ChatCompliance couldn't sign in to Microsoft Graph: the token endpoint refused the app's credentials ({(int)status}). "
            + "Check Graph:TenantId, Graph:ClientId and Graph:ClientSecret (the client secret may have expired).",
            token),
        TokenRequestException token => new DirectoryException(
            DirectoryProblem.Unavailable,
            $"ChatCompliance couldn't get a Microsoft Graph token to {operation.Action}: {token.Message} Try again in a few minutes.",
            token),
        ApiException api => FromStatus(api, operation, maxRetries),
        HttpRequestException or TaskCanceledException => new DirectoryException(
            DirectoryProblem.Unavailable,
            $"Microsoft Graph couldn't be reached to {operation.Action}: try again in a few minutes.",
            e),
        _ => null,
    };

    /// <summary>Logs a failed call (status and Graph's code, never the token) and forgets a refused token; returns <paramref name="translated"/> to throw.</summary>
    public static DirectoryException Report(Exception e, GraphOperation operation, DirectoryException translated, GraphTokenProvider tokens, ILogger logger)
    {
        if (Status(e) is { } status)
        {
            Log.Failed(logger, operation.Action, status, Code(e));
            if (status == 401)
            {
                tokens.InvalidateLast();
            }
        }
        else
        {
            Log.Unreachable(logger, e, operation.Action);
        }

        return translated;
    }

    private static DirectoryException FromStatus(ApiException e, GraphOperation operation, int maxRetries)
    {
        var status = e.ResponseStatusCode;
        var said = (e as ODataError)?.Error is { } error ? $" (Graph said {error.Code}: {error.Message})" : "";
        return status switch
        {
            403 => new DirectoryException(
                DirectoryProblem.PermissionMissing,
                $"ChatCompliance isn't allowed to {operation.Action}: grant its app registration the Microsoft Graph application permission "
                + $"{operation.Permission} (API permissions, then admin consent) in Entra ID{said}.",
                e),
            404 => new DirectoryException(DirectoryProblem.NotFound, operation.NotFound, e),
            401 => new DirectoryException(
                DirectoryProblem.NotConfigured,
                $"Microsoft Graph refused ChatCompliance's token when trying to {operation.Action}: check Graph:TenantId and Graph:ClientId, "
                + $"and that the app registration still exists{said}.",
                e),
            429 or 503 or 504 => new DirectoryException(
                DirectoryProblem.Unavailable,
                $"Microsoft Graph is throttling ChatCompliance or unavailable (HTTP {status}) when trying to {operation.Action}, "
                + $"still after {maxRetries} retries: try again in a few minutes.",
                e),
            _ => new DirectoryException(
                DirectoryProblem.Unavailable,
                $"Microsoft Graph answered HTTP {status} when ChatCompliance tried to {operation.Action}{said}.",
                e),
        };
    }
}
