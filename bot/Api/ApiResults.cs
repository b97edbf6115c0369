using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatCompliance.Bot.Api;

/// <summary>The admin API's error answers, all <c>application/problem+json</c>, so every group says them the same way.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what, Guid id) =>
        TypedResults.Problem($"No {what} has the id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        TypedResults.Problem($"The body must be {expected}.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>403 for a caller who may use the API but not take this decision (separation of duties); the detail says who can.</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem($"The request body is larger than {limit} bytes (AdminApi:MaxRequestBytes).", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");
}

/// <summary>Collects every field error of a request, then answers 400 with a <c>ValidationProblemDetails</c> naming them.</summary>
internal sealed class ApiValidation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    /// <summary>True when <paramref name="field"/> already has an error (a missing value needs no second one).</summary>
    public bool Names(string field) => _errors.ContainsKey(field);

    /// <summary>Adds <paramref name="reason"/> for <paramref name="field"/> (its JSON name); a null reason is no error.</summary>
    public ApiValidation Add(string field, string? reason)
    {
        if (reason is not null)
        {
            if (!_errors.TryGetValue(field, out var list))
            {
                _errors[field] = list = [];
            }

            list.Add(reason);
        }

        return this;
    }

    public ApiValidation AddAll(string field, IEnumerable<string> reasons)
    {
        foreach (var reason in reasons)
        {
            Add(field, reason);
        }

        return this;
    }

    /// <summary>Reason when a required text is missing or too long; null when fine.</summary>
    public static string? Text(string? value, string name, int max, bool required = true) => Core.Domain.TextRule.Problem(value, name, max, required);

    public ValidationProblem Problem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
        detail: "See errors for each field.",
        title: "The request has invalid fields.");
}

/// <summary>CSV uploads (<c>text/csv</c> bodies) and the answer listing their bad rows, for every import endpoint.</summary>
internal static class CsvUpload
{
    /// <summary>The body, buffered, when it is <c>text/csv</c> within <paramref name="limit"/> bytes; else the problem to answer.</summary>
    public static async Task<(MemoryStream Body, ProblemHttpResult? Refusal)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var body = new MemoryStream();
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return (body, ApiProblems.UnsupportedMediaType("text/csv"));
        }

        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > limit)
            {
                return (body, ApiProblems.TooLarge(limit));
            }

            body.Write(chunk, 0, read);
        }

        body.Position = 0;
        return (body, null);
    }

    /// <summary>400 naming every bad row ("line 3, owner_email"): nothing was imported.</summary>
    public static ValidationProblem RowProblems(IReadOnlyList<Core.Controls.ControlImportError> rows)
    {
        var errors = rows
            .GroupBy(e => e.Column is null ? $"line {e.Line}" : $"line {e.Line}, {e.Column}", StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray(), StringComparer.Ordinal);
        return TypedResults.ValidationProblem(errors,
            detail: $"{rows.Count} problem(s) in the file; nothing was imported. Fix them and send the whole file again.",
            title: "The file has invalid rows.",
            extensions: new Dictionary<string, object?> { ["rows"] = rows });
    }
}

/// <summary>Evidence downloads (an export, a report) as CSV or JSON attachments, written straight to the response.</summary>
internal static class ApiDownloads
{
    public static async Task<IResult> WriteAsync(HttpContext http, string name, string? format, Func<Stream, CancellationToken, Task> writeJson,
        Func<TextWriter, CancellationToken, Task> writeCsv, CancellationToken cancellationToken)
    {
        if (format == "json")
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.json\"";
            await writeJson(http.Response.Body, cancellationToken);
        }
        else
        {
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false), leaveOpen: true);
            await writeCsv(writer, cancellationToken);
            await writer.FlushAsync(cancellationToken);
        }

        return Results.Empty;
    }
}
