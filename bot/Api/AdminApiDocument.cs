using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChatCompliance.Bot.Api;

/// <summary>Names the API and declares its bearer scheme (Entra ID JWT or <c>cck_…</c> API key), required by every operation.</summary>
internal sealed class AdminApiDocument : IOpenApiDocumentTransformer
{
    public const string SecurityScheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "ChatCompliance admin API",
            Version = "v1",
            Description = "Controls, people, audits and API keys. Authenticate with Authorization: Bearer and an Entra ID access token "
                + "(app roles Compliance.Lead / Compliance.Admin) or an API key (cck_<id>_<secret>). Errors are RFC 9457 problem details.",
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT or cck_ API key",
            Description = "An Entra ID access token for this API, or an API key made with `apikey create`.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, document)] = [] }];
        return Task.CompletedTask;
    }
}
