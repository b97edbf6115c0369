using System.Text.Json;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace ChatCompliance.Bot.Api;

/// <summary>
/// Turns a request the framework could not bind (malformed JSON, a value of the wrong type, a missing body) into a
/// 400 problem that says which, instead of an empty 400; anything else is left to the default 500 problem.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is RefusedInputException refused)
        {
            // The store's guard refused what the request would have written (a NUL, a broken character, a field too
            // long for its column, a date decades away): nothing was written, and the caller learns why.
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = { Status = StatusCodes.Status400BadRequest, Title = "The request holds a value that cannot be stored.", Detail = refused.Message + "." },
            });
        }

        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large."
            : bad.InnerException is JsonException json ? $"The body is not valid JSON for this request{(json.Path is { Length: > 1 } path ? $" (at {path})" : "")}: dates are yyyy-MM-dd, ids are GUIDs, lists are arrays."
            : "The request could not be read: a route or query value has the wrong type, or the JSON body is missing.";
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = bad.StatusCode, Title = "The request could not be read.", Detail = detail },
        });
    }
}
