using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Api.Tasks;

/// <summary>A lead's decision on submitted evidence: <c>version</c> is the task's version the caller last read.</summary>
internal sealed record EvidenceDecisionRequest(int? Version, string? Reason);

/// <summary>A lead's decision on a pending extension or reassignment: <c>decision</c> is <c>approve</c> or <c>decline</c>.</summary>
internal sealed record PendingDecisionRequest(int? Version, string? Decision, string? Reason);

/// <summary>
/// <c>/api/v1/tasks/{id}/…</c>: the decisions a compliance lead takes on a task, through the same command as the lead's
/// card in chat. The caller must be a person in the register (an Entra ID token whose object id is theirs): separation
/// of duties judges people, so an API key alone cannot decide. Refusals are 403 problems that say who can, and are in
/// the audit trail; a stale version is 409; nothing changes on any refusal.
/// </summary>
internal static class TaskDecisionsApi
{
    public static RouteGroupBuilder MapTaskDecisionsApi(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Evidence tasks");
        tasks.MapPost("/{id:guid}/accept", AcceptAsync).WithSummary("Accept the submitted evidence (a person's token; not the submitter or owner)");
        tasks.MapPost("/{id:guid}/reject", RejectAsync).WithSummary("Return the submitted evidence to its owner with a reason (a person's token; not the submitter or owner)");
        tasks.MapPost("/{id:guid}/extension", ExtensionAsync).WithSummary("Approve or decline the pending extension (a person's token; not whoever asked, nor the owner)");
        tasks.MapPost("/{id:guid}/reassignment", ReassignmentAsync).WithSummary("Approve or decline the pending reassignment (a person's token; not whoever asked)");
        return api;
    }

    private static Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> AcceptAsync(
        Guid id, EvidenceDecisionRequest request, ClaimsPrincipal user, ComplianceDbContext db, EvidenceTaskService tasks, CancellationToken cancellationToken) =>
        DecideAsync(id, request.Version, request.Reason, required: false, reason => new AcceptEvidence(reason), user, db, tasks, cancellationToken);

    private static Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> RejectAsync(
        Guid id, EvidenceDecisionRequest request, ClaimsPrincipal user, ComplianceDbContext db, EvidenceTaskService tasks, CancellationToken cancellationToken) =>
        DecideAsync(id, request.Version, request.Reason, required: true, reason => new RejectEvidence(reason!), user, db, tasks, cancellationToken);

    private static Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> ExtensionAsync(
        Guid id, PendingDecisionRequest request, ClaimsPrincipal user, ComplianceDbContext db, EvidenceTaskService tasks, CancellationToken cancellationToken) =>
        PendingAsync(id, request, approve => (reason => new DecideExtension(approve, reason)), user, db, tasks, cancellationToken);

    private static Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> ReassignmentAsync(
        Guid id, PendingDecisionRequest request, ClaimsPrincipal user, ComplianceDbContext db, EvidenceTaskService tasks, CancellationToken cancellationToken) =>
        PendingAsync(id, request, approve => (reason => new DecideReassignment(approve, reason)), user, db, tasks, cancellationToken);

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> PendingAsync(
        Guid id, PendingDecisionRequest request, Func<bool, Func<string?, TaskCommand>> command, ClaimsPrincipal user, ComplianceDbContext db,
        EvidenceTaskService tasks, CancellationToken cancellationToken)
    {
        if (request.Decision is not ("approve" or "decline"))
        {
            return new ApiValidation().Add("decision", "decision is approve or decline")
                .Add("version", request.Version is null ? "version is required: the task's version you last read" : null)
                .Add("reason", ApiValidation.Text(request.Reason, "reason", EvidenceTaskService.MaximumTextLength, required: false))
                .Problem();
        }

        return await DecideAsync(id, request.Version, request.Reason, required: false, command(request.Decision == "approve"), user, db, tasks, cancellationToken);
    }

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> DecideAsync(
        Guid id, int? version, string? reason, bool required, Func<string?, TaskCommand> command, ClaimsPrincipal user, ComplianceDbContext db,
        EvidenceTaskService tasks, CancellationToken cancellationToken)
    {
        var validation = new ApiValidation()
            .Add("version", version is null ? "version is required: the task's version you last read" : version < 0 ? "version is not a version" : null)
            .Add("reason", ApiValidation.Text(reason, "reason", EvidenceTaskService.MaximumTextLength, required));
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        var actor = await ApiActor.ResolveAsync(user, db, cancellationToken);
        if (actor.Person is null)
        {
            return ApiProblems.Forbidden(ApiActor.NoPersonRefusal);
        }

        var outcome = await tasks.ActAsync(id, version!.Value, actor, command(string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()), cancellationToken: cancellationToken);
        switch (outcome.Kind)
        {
            case TaskOutcomeKind.Done:
                var task = await db.EvidenceTasks.WithControlAndPeople().AsNoTracking().SingleAsync(t => t.Id == id, cancellationToken);
                return TypedResults.Ok(TaskResponse.From(task));
            case TaskOutcomeKind.NotFound:
                return ApiProblems.NotFound("evidence task", id);
            case TaskOutcomeKind.Refused:
                return ApiProblems.Forbidden(outcome.Message.Text);
            case TaskOutcomeKind.Invalid:
                return new ApiValidation().Add("reason", outcome.Message.Text).Problem();
            case TaskOutcomeKind.Changed:
                return ApiProblems.Conflict($"The task changed since version {version} (or someone decided first); it is now at version {outcome.Task?.Version}. Read it again and decide on what it says now.");
            default:
                return ApiProblems.Conflict(outcome.Message.Text);
        }
    }
}
