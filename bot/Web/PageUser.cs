using System.Security.Claims;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Web;

/// <summary>
/// Who is signed in to the pages. The cookie carries only the person's id and how they signed in; the person, active
/// or not, and their roles are read from the store on every request, so a change of role or a deactivation counts at once.
/// </summary>
internal static class PageUser
{
    /// <summary>The cookie scheme of the pages.</summary>
    public const string Scheme = "Pages";

    /// <summary>The authorization policy every page asks for: signed in to the pages' cookie.</summary>
    public const string Policy = "Pages.SignedIn";

    public const string CookieName = "ChatCompliance.Pages";

    private const string PersonClaim = "chatcompliance/person";
    private const string ViaClaim = "chatcompliance/via";

    /// <summary>Signs the person in to the pages (a new cookie; any earlier one is replaced).</summary>
    public static Task SignInAsync(HttpContext http, Person person, string via)
    {
        var identity = new ClaimsIdentity([new Claim(PersonClaim, person.Id.ToString()), new Claim(ViaClaim, via)], Scheme, null, null);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    /// <summary>The signed-in, active person; null for nobody, or for someone the store does not know (any more).</summary>
    public static async Task<Person?> FindAsync(HttpContext http, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(http.User.FindFirst(PersonClaim)?.Value, out var id))
        {
            return null;
        }

        return await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.IsActive, cancellationToken);
    }

    /// <summary>The active person whose Entra object id this is.</summary>
    public static Task<Person?> ByObjectIdAsync(ComplianceDbContext db, string objectId, CancellationToken cancellationToken) =>
        db.People.AsNoTracking().FirstOrDefaultAsync(p => p.EntraObjectId == objectId && p.IsActive, cancellationToken);

    /// <summary>Leads and admins see the programme.</summary>
    public static bool SeesProgramme(Person person) => person.Has(PersonRoles.ComplianceLead) || person.Has(PersonRoles.Admin);

    /// <summary>Cookie settings for a page that Teams frames: SameSite=None over HTTPS (the tab is a third-party iframe), Lax over plain HTTP (local).</summary>
    public static void ConfigureCookie(CookieAuthenticationOptions options, PagesOptions pages)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.None;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Cookie.Path = "/";
        options.ExpireTimeSpan = pages.SessionLifetime;
        options.SlidingExpiration = false;
        options.LoginPath = SignInEndpoints.Path;
        options.ReturnUrlParameter = "returnUrl";
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }

    /// <summary>
    /// A SameSite=None cookie must be Secure; over plain HTTP (local mode) it is sent Lax instead. Over HTTPS it is also
    /// Partitioned, so browsers that block third-party cookies still keep it inside the Teams frame.
    /// </summary>
    public static void AdjustCookie(Microsoft.AspNetCore.CookiePolicy.AppendCookieContext context)
    {
        if (context.CookieOptions.SameSite != SameSiteMode.None)
        {
            return;
        }

        if (!context.Context.Request.IsHttps)
        {
            context.CookieOptions.SameSite = SameSiteMode.Lax;
        }
        else
        {
            context.CookieOptions.Secure = true;
            context.CookieOptions.Extensions.Add("Partitioned");
        }
    }
}
