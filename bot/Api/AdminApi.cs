using ChatCompliance.Bot.Api.ApiKeys;
using ChatCompliance.Bot.Api.Audits;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Bot.Api.Controls;
using ChatCompliance.Bot.Api.Evidence;
using ChatCompliance.Bot.Api.Jobs;
using ChatCompliance.Bot.Api.Knowledge;
using ChatCompliance.Bot.Api.People;
using ChatCompliance.Bot.Api.Reviews;
using ChatCompliance.Bot.Api.Tasks;
using ChatCompliance.Core.Controls;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Api;

/// <summary>
/// The admin REST API under <c>/api/v1</c>: bearer authentication (Entra ID JWT or API key), role policies, ProblemDetails
/// for every error, a request size limit, and the OpenAPI document at <c>/openapi/v1.json</c>.
/// </summary>
internal static partial class AdminApi
{
    public const string Prefix = "/api/v1";

    public static IHostApplicationBuilder AddAdminApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminApiOptions>().BindConfiguration(AdminApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(AdminApiOptions.SectionName).Get<AdminApiOptions>() ?? new AdminApiOptions();
        builder.AddAdminApiAuthentication(options);
        builder.AddControlRegister();
        builder.AddApiKeys();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Framework-made answers (challenge, forbid, unknown route) say what to do, not only their status.
            if (context.ProblemDetails.Detail is null && context.HttpContext.Request.Path.StartsWithSegments(Prefix))
            {
                context.ProblemDetails.Detail = context.ProblemDetails.Status switch
                {
                    StatusCodes.Status401Unauthorized => "Send Authorization: Bearer with an Entra ID access token for this API or an API key (cck_…).",
                    StatusCodes.Status403Forbidden => "Your role does not allow this: reads and control, task and audit changes need Compliance.Lead or Compliance.Admin; people and API keys need Compliance.Admin.",
                    StatusCodes.Status404NotFound => "No such resource or route in the admin API.",
                    _ => null,
                };
            }
        });
        // Binding failures are thrown to BadRequestHandler, which says what was wrong (only the admin API binds request bodies).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = description => description.RelativePath?.StartsWith(Prefix[1..] + "/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer<AdminApiDocument>();
        });
        return builder;
    }

    /// <summary>The admin API's middleware: errors become ProblemDetails (never a stack trace), bodies are bounded, then authentication.</summary>
    public static WebApplication UseAdminApi(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AdminApiOptions>>().Value;
        if (options.JwtEnabled)
        {
            LogJwtAndKeys(app.Logger, Prefix, options.Metadata!, options.Audience!);
        }
        else
        {
            LogKeysOnly(app.Logger, Prefix);
        }

        // Every path, not only the API: an unhandled error is a bare 500 problem, never a stack trace (the developer page,
        // which WebApplication adds in Development only, sits outside this and never sees the exception).
        app.UseExceptionHandler();
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Prefix), api =>
        {
            api.UseStatusCodePages();
            api.Use(LimitBodyAsync);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Maps <c>/api/v1</c>. Every endpoint in the group needs a bearer token of a compliance lead or admin; a group that
    /// needs more adds its own policy (<c>RequireAuthorization(AdminPolicies.Admin)</c>). A new resource is one
    /// <c>Map…Api(this RouteGroupBuilder api)</c> in its own folder and one line here.
    /// </summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi("/openapi/{documentName}.json");

        var api = endpoints.MapGroup(Prefix)
            .RequireAuthorization(AdminPolicies.Lead)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapControlsApi();
        api.MapPeopleApi();
        api.MapAuditsApi();
        api.MapTasksApi();
        api.MapTaskDecisionsApi();
        api.MapTaskDueDateApi();
        api.MapJobsApi();
        api.MapReviewsApi();
        api.MapReviewDecisionsApi();
        api.MapEvidenceExportApi();
        api.MapApiKeysApi();
        api.MapDraftsApi();
        return endpoints;
    }

    private static async Task LimitBodyAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<AdminApiOptions>>().Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiProblems.TooLarge(limit).ExecuteAsync(context);
            return;
        }

        // Kestrel enforces it on chunked bodies too; the CSV import also reads with its own bound.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        await next(context);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Admin API {Prefix}: Entra ID tokens (metadata {Metadata}, audience {Audience}) and API keys")]
    private static partial void LogJwtAndKeys(ILogger logger, string prefix, string metadata, string audience);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Admin API {Prefix}: API keys only; set AdminApi:Authority and AdminApi:Audience to accept Entra ID tokens")]
    private static partial void LogKeysOnly(ILogger logger, string prefix);
}
