using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.OnDemand;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatCompliance.Bot.Api.Jobs;

/// <summary>Which audit <c>announce</c> announces: its id or its name as the calendar has it.</summary>
internal sealed record JobRunRequest(string? Audit);

internal sealed record JobRunResponse(string Job, int Count, string Message);

/// <summary>
/// <c>POST /api/v1/jobs/{job}/run</c>: a lead (or admin) runs chase, announce, digest or generate now: the same job code
/// Hangfire runs on its schedule, audited as <c>job.run</c> with the caller.
/// </summary>
internal static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("/{job}/run", RunAsync)
            .WithSummary($"Run a scheduled job now ({string.Join(", ", JobTrigger.Jobs)}); announce takes {{\"audit\": id or name}}")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<JobRunResponse>, ValidationProblem, ProblemHttpResult>> RunAsync(
        string job, JobRunRequest? request, ClaimsPrincipal user, ComplianceDbContext db, JobTrigger trigger, CancellationToken cancellationToken)
    {
        if (JobTrigger.Find(job) is null)
        {
            return TypedResults.Problem($"There is no job '{Clip(job)}'. Jobs: {string.Join(", ", JobTrigger.Jobs)}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        if (request?.Audit is { } audit && ApiValidation.Text(audit, "audit", 300) is { } bad)
        {
            return new ApiValidation().Add("audit", bad).Problem();
        }

        var run = await trigger.RunAsync(job, request?.Audit, await ApiActor.ResolveAsync(user, db, cancellationToken), cancellationToken);
        return run.Kind switch
        {
            JobRunKind.Done => TypedResults.Ok(new JobRunResponse(JobTrigger.Find(job)!, run.Count, run.Message)),
            JobRunKind.UnknownAudit => TypedResults.Problem(run.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            _ => new ApiValidation().Add("audit", run.Message).Problem(),
        };
    }

    private static string Clip(string text) => TextRule.StorageProblem(text, "job") is null && text.Length <= 40 ? text : "(unreadable)";
}
