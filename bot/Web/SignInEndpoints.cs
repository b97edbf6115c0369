using System.Net;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Web;

/// <summary>
/// Signing in to the pages. <c>/signin</c> sends a browser to Entra ID (OpenID Connect), the Teams tab to
/// <c>/signin/teams</c> (Teams SSO), and, in local mode only, anyone to <c>/signin/dev</c>, which picks a person from the
/// store and does not exist once Entra ID is configured.
/// </summary>
internal static class SignInEndpoints
{
    public const string Path = "/signin";
    public const string EntraScheme = "Entra";

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        var signIn = endpoints.MapGroup(Path).ExcludeFromDescription();
        signIn.MapGet("", SignIn);
        signIn.MapGet("/dev", DevelopmentAsync);
        signIn.MapGet("/teams", TeamsPage);
        signIn.MapPost("/teams", TeamsAsync).DisableAntiforgery();
        endpoints.MapPost("/signout", SignOutAsync).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>Where to go after signing in: a local address only, never another site.</summary>
    public static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 and < 2048 } && returnUrl[0] == '/' && (returnUrl.Length == 1 || (returnUrl[1] != '/' && returnUrl[1] != '\\')) ? returnUrl : "/my";

    private static IResult SignIn(HttpContext http, IOptions<PagesOptions> options, string? returnUrl)
    {
        var target = Local(returnUrl);
        if (!options.Value.EntraEnabled)
        {
            return TypedResults.Redirect($"{Path}/dev?returnUrl={Uri.EscapeDataString(target)}");
        }

        // The Teams tab opens /my?inTeams=true: Teams SSO, as Entra ID's own page would not show inside the tab.
        return target.Contains("inTeams=true", StringComparison.Ordinal)
            ? TypedResults.Redirect($"{Path}/teams?returnUrl={Uri.EscapeDataString(target)}")
            : TypedResults.Challenge(new AuthenticationProperties { RedirectUri = target }, [EntraScheme]);
    }

    private static async Task<IResult> DevelopmentAsync(HttpContext http, IOptions<PagesOptions> options, ComplianceDbContext db, string? email, string? returnUrl,
        CancellationToken cancellationToken)
    {
        if (options.Value.EntraEnabled)
        {
            return TypedResults.NotFound();
        }

        var target = Local(returnUrl);
        if (string.IsNullOrWhiteSpace(email))
        {
            var people = await db.People.AsNoTracking().Where(p => p.IsActive).OrderBy(p => p.Email).Take(200).Select(p => new { p.Email, p.DisplayName, p.Roles }).ToListAsync(cancellationToken);
            var rows = string.Concat(people.Select(p =>
                $"<li><a href=\"{Path}/dev?email={Uri.EscapeDataString(p.Email)}&amp;returnUrl={Uri.EscapeDataString(target)}\">{E(p.DisplayName)}</a> ({E(p.Email)}, {E(p.Roles.ToString())})</li>"));
            return Html("Development sign-in",
                $"<p class=\"warning\" role=\"note\"><strong>Development sign-in.</strong> The app runs in local mode (no Entra ID configured), so anyone who can reach it can act as anyone. Configure <code>Pages:TenantId</code> and <code>Pages:ClientId</code> before others use it.</p>" +
                (people.Count == 0 ? "<p>There is nobody in the store yet: add people first (<code>people import</code>).</p>" : $"<p>Sign in as:</p><ul>{rows}</ul>"));
        }

        var normalised = Person.NormaliseEmail(email);
        var person = normalised.Length <= Person.MaxEmailLength ? await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Email == normalised && p.IsActive, cancellationToken) : null;
        if (person is null)
        {
            return Html("Not signed in", "<p role=\"alert\">Nobody active in the store has that email address, so you are not signed in.</p>" +
                $"<p><a href=\"{Path}/dev\">Choose someone else</a></p>", StatusCodes.Status403Forbidden);
        }

        await PageUser.SignInAsync(http, person, "dev");
        return TypedResults.Redirect(target);
    }

    private static IResult TeamsPage(HttpContext http, IOptions<PagesOptions> options, IAntiforgery antiforgery, string? returnUrl)
    {
        if (!options.Value.EntraEnabled)
        {
            return TypedResults.Redirect($"{Path}/dev?returnUrl={Uri.EscapeDataString(Local(returnUrl))}");
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        return Html("Signing in",
            $"<div id=\"teams-sso\" data-return-url=\"{E(Local(returnUrl))}\" data-antiforgery=\"{E(tokens.RequestToken ?? "")}\" data-antiforgery-header=\"{E(tokens.HeaderName ?? "")}\">" +
            "<p role=\"status\" id=\"teams-sso-status\">Signing you in with your Teams account…</p>" +
            "<noscript><p>Teams signs you in with JavaScript. Outside Teams, <a href=\"/signin\">sign in with your Microsoft account</a>.</p></noscript></div>",
            scripts: ["/lib/teams-js/MicrosoftTeams.min.js", "/js/teams-sso.js"]);
    }

    /// <summary>The tab's Teams SSO token (Authorization: Bearer) and the page's anti-forgery header exchanged for the pages' cookie.</summary>
    private static async Task<IResult> TeamsAsync(HttpContext http, IOptions<PagesOptions> options, IAntiforgery antiforgery, TeamsSsoTokens tokens, ComplianceDbContext db,
        CancellationToken cancellationToken)
    {
        if (!options.Value.EntraEnabled)
        {
            return TypedResults.NotFound();
        }

        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Problem("The sign-in request lacks its anti-forgery token: reload the tab.", statusCode: StatusCodes.Status400BadRequest);
        }

        var objectId = await tokens.ObjectIdAsync(Api.Auth.AdminApiAuthentication.BearerToken(http.Request), cancellationToken);
        if (objectId is null)
        {
            return TypedResults.Problem("The Teams token is not valid for this app.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var person = await PageUser.ByObjectIdAsync(db, objectId, cancellationToken);
        if (person is null)
        {
            return TypedResults.Problem("You are not in the compliance register yet: ask your compliance team to add you.", statusCode: StatusCodes.Status403Forbidden);
        }

        await PageUser.SignInAsync(http, person, "teams");
        return TypedResults.NoContent();
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Problem("The form lacks its anti-forgery token.", statusCode: StatusCodes.Status400BadRequest);
        }

        await PageUser.SignOutAsync(http);
        return Html("Signed out", "<p>You are signed out.</p><p><a href=\"/signin\">Sign in again</a></p>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A small page in the pages' look (same stylesheet, same policy), for the sign-in steps.</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Html(string title, string body, int status = StatusCodes.Status200OK, string[]? scripts = null) => TypedResults.Content(
        $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{E(title)} · ChatCompliance</title><link rel="stylesheet" href="/css/site.css">{string.Concat((scripts ?? []).Select(s => $"<script src=\"{s}\" defer></script>"))}</head>
        <body><main id="main"><h1>{E(title)}</h1>{body}</main></body></html>
        """, "text/html; charset=utf-8", statusCode: status);
}
