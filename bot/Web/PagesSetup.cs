using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Web;

/// <summary>
/// The My compliance and Programme pages: Razor Pages under <c>bot/Pages</c>, their cookie sign-in (Entra ID, Teams SSO,
/// or the development sign-in in local mode), anti-forgery, and the headers that let Teams, and nobody else, frame them.
/// </summary>
internal static class PagesSetup
{
    /// <summary>Only Teams (and Office hosts of Teams apps) may frame the pages; no inline script or style anywhere.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; " +
        "base-uri 'none'; object-src 'none'; frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.skype.com https://*.office.com";

    private static readonly string[] PagePaths = ["/my", "/programme", "/signin", "/signout", "/css", "/js", "/lib"];

    public static IHostApplicationBuilder AddPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PagesOptions>().BindConfiguration(PagesOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var pages = builder.Configuration.GetSection(PagesOptions.SectionName).Get<PagesOptions>() ?? new PagesOptions();

        builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/", PageUser.Policy));
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "ChatCompliance.Antiforgery";
            o.Cookie.SameSite = SameSiteMode.None;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__csrf";
            // frame-ancestors decides who may frame the pages; X-Frame-Options: SAMEORIGIN would keep Teams out.
            o.SuppressXFrameOptionsHeader = true;
        });
        builder.Services.Configure<CookiePolicyOptions>(o =>
        {
            o.MinimumSameSitePolicy = SameSiteMode.Unspecified;
            o.OnAppendCookie = PageUser.AdjustCookie;
        });
        builder.Services.AddSingleton<TeamsSsoTokens>();
        builder.Services.AddScoped<MyCompliance>();

        var authentication = builder.Services.AddAuthentication()
            .AddCookie(PageUser.Scheme, o => PageUser.ConfigureCookie(o, pages));
        if (pages.EntraEnabled)
        {
            authentication.AddOpenIdConnect(SignInEndpoints.EntraScheme, o =>
            {
                o.SignInScheme = PageUser.Scheme;
                o.Authority = pages.Authority;
                o.MetadataAddress = pages.Metadata;
                o.RequireHttpsMetadata = pages.Metadata.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                o.ClientId = pages.ClientId;
                o.ClientSecret = pages.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.MapInboundClaims = false;
                o.CallbackPath = "/signin-oidc";
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("profile");
                // After the ticket, not at OnTokenValidated: that event runs before the ID token's nonce is checked.
                o.Events.OnTicketReceived = SignInFromEntraAsync;
                o.Events.OnRemoteFailure = RefuseFailedSignInAsync;
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PageUser.Policy, p => p.AddAuthenticationSchemes(PageUser.Scheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>Headers, cookie policy and the pages' static files; before authentication.</summary>
    public static WebApplication UsePages(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (PagePaths.Any(p => context.Request.Path.StartsWithSegments(p)))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers.CacheControl = "no-store";
            }

            return next(context);
        });
        app.UseCookiePolicy();

        // The pages' files sit beside the program (bot/wwwroot copied to the output), wherever it is started from.
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Directory.Exists(beside) ? new PhysicalFileProvider(beside) : app.Environment.WebRootFileProvider,
        });
        return app;
    }

    public static WebApplication MapPages(this WebApplication app)
    {
        app.MapSignIn();
        app.MapRazorPages();
        return app;
    }

    /// <summary>A callback that fails (a forged or stale token, another browser's code, a cancelled sign-in) is a polite 401 that signs nobody in, not an error page.</summary>
    private static async Task RefuseFailedSignInAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Signing in with your Microsoft account did not complete, so you are not signed in. Open /signin to try again.",
            context.HttpContext.RequestAborted);
    }

    /// <summary>
    /// A completed OpenID Connect sign-in (token, nonce and state all checked) becomes the pages' cookie for the person
    /// whose Entra object id the token carries; nobody else gets one.
    /// </summary>
    private static async Task SignInFromEntraAsync(TicketReceivedContext context)
    {
        var pages = context.HttpContext.RequestServices.GetRequiredService<IOptions<PagesOptions>>().Value;
        var objectId = TeamsSsoTokens.ObjectId(context.Principal);
        var tenant = context.Principal?.FindFirst("tid")?.Value;
        var db = context.HttpContext.RequestServices.GetRequiredService<ComplianceDbContext>();
        var person = objectId is null || !string.Equals(tenant, pages.TenantId, StringComparison.OrdinalIgnoreCase)
            ? null : await PageUser.ByObjectIdAsync(db, objectId, context.HttpContext.RequestAborted);
        if (person is null)
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("You are not in the compliance register yet: ask your compliance team to add you.", context.HttpContext.RequestAborted);
            return;
        }

        await PageUser.SignInAsync(context.HttpContext, person, "entra");
        context.HandleResponse();
        context.Response.Redirect(SignInEndpoints.Local(context.ReturnUri));
    }
}
