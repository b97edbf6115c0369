using System.Net;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Bot.Api.Auth;

/// <summary>
/// A browser cannot send <c>Authorization: Bearer</c>, so <c>/hangfire-login</c> takes a lead or admin API key in a form and
/// keeps it in an HttpOnly, SameSite=Strict cookie scoped to <c>/hangfire</c>; the API-key handler reads it there, and
/// the key is checked (revocation included) on every request, exactly as a bearer key is.
/// </summary>
internal static class DashboardLogin
{
    public const string CookieName = "ChatCompliance.Dashboard";
    public const string Path = "/hangfire-login";
    private const string DashboardPath = "/hangfire";

    /// <summary>The key in the dashboard cookie, only for dashboard requests (never for the admin API).</summary>
    public static string? CookieToken(HttpRequest request) =>
        request.Path.StartsWithSegments(DashboardPath) && request.Cookies.TryGetValue(CookieName, out var key) && ApiKeyService.LooksLikeKey(key) ? key : null;

    public static IEndpointRouteBuilder MapDashboardLogin(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, () => Page(null)).ExcludeFromDescription();
        endpoints.MapPost(Path, LogInAsync).ExcludeFromDescription().DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> LogInAsync(HttpContext http, ApiKeyService keys, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return TypedResults.Problem("Send the form (application/x-www-form-urlencoded).", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var key = form["key"].ToString().Trim();
        var (check, found) = await keys.AuthenticateAsync(key, cancellationToken);
        if (check != ApiKeyCheck.Valid || found is null || found.Role is not (ApiKeyRole.ComplianceLead or ApiKeyRole.Admin))
        {
            return Page("That key is not a valid compliance-lead or admin API key.", StatusCodes.Status401Unauthorized);
        }

        http.Response.Cookies.Append(CookieName, key, new CookieOptions
        {
            Path = DashboardPath,
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            MaxAge = TimeSpan.FromHours(8),
        });
        return TypedResults.Redirect(DashboardPath);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Page(string? error, int status = StatusCodes.Status200OK) => TypedResults.Content(
        $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>ChatCompliance jobs</title></head>
        <body><h1>Hangfire dashboard</h1>
        <p>Paste a compliance-lead or admin API key (<code>apikey create --role lead</code>).</p>
        {(error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="{Path}"><input type="password" name="key" autocomplete="off" required> <button>Open</button></form>
        </body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
