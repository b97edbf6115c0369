using System.Net;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ChatCompliance.Bot.Web;

/// <summary>
/// A page for a signed-in person in the register (403 for anyone else); <see cref="LeadsOnly"/> pages also need the
/// compliance-lead or admin role. Keeps the Teams theme (<c>?theme=dark|contrast|default</c>) across its links.
/// </summary>
internal abstract class SignedInPageModel : PageModel
{
    /// <summary>The signed-in person, read from the store for this request.</summary>
    public Person Me { get; private set; } = null!;

    /// <summary>The Teams theme asked for, when it is one Teams uses.</summary>
    public string? Theme { get; private set; }

    protected virtual bool LeadsOnly => false;

    /// <summary>The outcome of the action just taken, shown at the top of the page.</summary>
    public string? Notice { get; protected set; }

    public bool NoticeIsError { get; protected set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        Theme = Request.Query["theme"].ToString() is "dark" or "contrast" or "default" ? Request.Query["theme"].ToString() : null;
        var db = HttpContext.RequestServices.GetRequiredService<ComplianceDbContext>();
        var person = await PageUser.FindAsync(HttpContext, db, HttpContext.RequestAborted);
        if (person is null)
        {
            context.Result = Refusal("You are not in the compliance register", "You are signed in, but nobody active in the compliance register is you. Ask your compliance team to add you.");
            return;
        }

        if (LeadsOnly && !PageUser.SeesProgramme(person))
        {
            context.Result = Refusal("Only for compliance leads", "The programme pages are for compliance leads and admins. Your own work is on <a href=\"/my\">My compliance</a>.");
            return;
        }

        Me = person;
        await next();
    }

    /// <summary>An internal link that keeps the Teams theme.</summary>
    public string Link(string path) => Theme is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}theme={Theme}";

    /// <summary>The outcome of an action as the page's notice, with its status code.</summary>
    protected IActionResult Show(PageOutcome outcome)
    {
        Notice = outcome.Message;
        NoticeIsError = !outcome.Succeeded;
        Response.StatusCode = outcome.Status;
        return Page();
    }

    private static ContentResult Refusal(string title, string htmlMessage) => new()
    {
        StatusCode = StatusCodes.Status403Forbidden,
        ContentType = "text/html; charset=utf-8",
        Content = $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(title)} · ChatCompliance</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main id="main"><h1>{WebUtility.HtmlEncode(title)}</h1><p role="alert">{htmlMessage}</p></main></body></html>
            """,
    };
}
