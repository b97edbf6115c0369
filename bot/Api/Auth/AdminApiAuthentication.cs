using System.Security.Claims;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Api.Auth;

/// <summary>
/// One bearer scheme for the admin API that forwards to API keys (<c>cck_…</c> tokens) or to Entra ID JWT validation
/// (anything else, when configured). Neither is a default scheme: only endpoints that ask for it authenticate with it,
/// so the Teams and Slack endpoints keep their own checks.
/// </summary>
internal static class AdminApiAuthentication
{
    /// <summary>The policy scheme the admin API's policies name.</summary>
    public const string Scheme = "AdminApi";

    public const string JwtScheme = "AdminApiJwt";

    /// <summary>The Entra object id claim, kept under its own name (inbound claim mapping is off).</summary>
    private const string ObjectIdClaim = "oid";

    public static void AddAdminApiAuthentication(this IHostApplicationBuilder builder, AdminApiOptions options)
    {
        var authentication = builder.Services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Admin API bearer token", o => o.ForwardDefaultSelector = context =>
                options.JwtEnabled && DashboardLogin.CookieToken(context.Request) is null && !(BearerToken(context.Request) is { } token && ApiKeyService.LooksLikeKey(token)) ? JwtScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        if (options.JwtEnabled)
        {
            authentication.AddJwtBearer(JwtScheme, o =>
            {
                o.Authority = string.IsNullOrWhiteSpace(options.Authority) ? null : options.Authority;
                o.MetadataAddress = options.Metadata!;
                o.RequireHttpsMetadata = !options.MetadataIsLoopback;
                o.MapInboundClaims = false;
                o.TokenValidationParameters.ValidAudience = options.Audience;
                o.TokenValidationParameters.ValidIssuers = options.Issuers.Count > 0 ? options.Issuers : null;
                o.TokenValidationParameters.ClockSkew = options.ClockSkew;
                o.TokenValidationParameters.RoleClaimType = AdminRoles.ClaimType;
                o.TokenValidationParameters.NameClaimType = "name";
                o.Events = new JwtBearerEvents { OnTokenValidated = AddPersonRolesAsync };
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicies.Lead, p => p.AddAuthenticationSchemes(Scheme).RequireRole(AdminRoles.Lead, AdminRoles.Admin))
            .AddPolicy(AdminPolicies.Admin, p => p.AddAuthenticationSchemes(Scheme).RequireRole(AdminRoles.Admin));
    }

    /// <summary>The token after <c>Bearer </c>, or null when there is none.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length ? header[prefix.Length..].Trim() : null;
    }

    /// <summary>The claim that carries the email of the person the directory found for a token's object id.</summary>
    public const string PersonEmailClaim = "chatcompliance/person_email";

    /// <summary>
    /// Who is calling, for records, decided by the directory and never by the token's own name or email claims: the
    /// person found for the token's object id, else the object id itself, or the API key's name.
    /// </summary>
    public static string CallerName(ClaimsPrincipal user)
    {
        if (user.FindFirst(PersonEmailClaim)?.Value is { } email)
        {
            return email;
        }

        if (user.Identity is { AuthenticationType: ApiKeyAuthenticationHandler.SchemeName, Name: { } keyName })
        {
            return keyName;
        }

        return user.FindFirst(ObjectIdClaim)?.Value is { } objectId ? $"entra:{objectId}" : "unknown";
    }

    /// <summary>
    /// A token's app roles are kept; an active person whose Entra object id matches the token's <c>oid</c> adds their
    /// ComplianceLead / Admin roles from the People table, so leads need no app-role assignment in Entra.
    /// </summary>
    private static async Task AddPersonRolesAsync(TokenValidatedContext context)
    {
        var objectId = context.Principal?.FindFirst(ObjectIdClaim)?.Value;
        if (objectId is null || context.Principal!.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        var stored = objectId.ToLowerInvariant();
        var db = context.HttpContext.RequestServices.GetRequiredService<ComplianceDbContext>();
        var person = await db.People.AsNoTracking()
            .Where(p => p.EntraObjectId == stored && p.IsActive)
            .Select(p => new { p.Email, p.Roles })
            .FirstOrDefaultAsync(context.HttpContext.RequestAborted);
        if (person is null)
        {
            return;
        }

        identity.AddClaim(new Claim(PersonEmailClaim, person.Email));
        if ((person.Roles & PersonRoles.ComplianceLead) != 0)
        {
            identity.AddClaim(new Claim(AdminRoles.ClaimType, AdminRoles.Lead));
        }

        if ((person.Roles & PersonRoles.Admin) != 0)
        {
            identity.AddClaim(new Claim(AdminRoles.ClaimType, AdminRoles.Admin));
        }
    }
}
