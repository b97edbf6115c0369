using System.Security.Claims;
using System.Text.Encodings.Web;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Api.Auth;

/// <summary>Authenticates <c>Authorization: Bearer cck_&lt;id&gt;_&lt;secret&gt;</c> against the stored key hashes.</summary>
internal sealed partial class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = AdminApiAuthentication.BearerToken(Request) ?? DashboardLogin.CookieToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var keys = Context.RequestServices.GetRequiredService<ApiKeyService>();
        var (check, key) = await keys.AuthenticateAsync(token, Context.RequestAborted);
        if (check != ApiKeyCheck.Valid || key is null)
        {
            LogRefused(Logger, check);
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        Claim[] claims =
        [
            new("sub", key.Id.ToString()),
            new("name", $"apikey:{key.Name}"),
            new("auth_method", "apikey"),
            new(AdminRoles.ClaimType, key.Role == ApiKeyRole.Admin ? AdminRoles.Admin : AdminRoles.Lead),
        ];
        var identity = new ClaimsIdentity(claims, SchemeName, "name", AdminRoles.ClaimType);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = AdminApiAuthentication.BearerToken(Request) is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Admin API: API key refused ({Reason})")]
    private static partial void LogRefused(ILogger logger, ApiKeyCheck reason);
}
