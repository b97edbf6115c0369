using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Api.Tasks;

/// <summary>A new due date, why (optional), and <c>allowOverdue</c> to confirm a date already past.</summary>
internal sealed record DueDateRequest(DateOnly? DueDate, string? Reason, bool AllowOverdue = false);

/// <summary>
/// <c>POST /api/v1/tasks/{id}/due-date</c>: a lead moves a task's due date (earlier or later), audited with before and
/// after; the owner gets the updated card. Separation of duties has nothing to say: it decides nothing about evidence.
/// </summary>
internal static class TaskDueDateApi
{
    public static RouteGroupBuilder MapTaskDueDateApi(this RouteGroupBuilder api)
    {
        api.MapPost("/tasks/{id:guid}/due-date", ChangeAsync).WithTags("Evidence tasks")
            .WithSummary("Change a task's due date; a past date needs allowOverdue: true (else 422); the owner is told")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }

    /// <summary>422: the due date is past and the request did not confirm it; the detail says why and how to confirm.</summary>
    public static ProblemHttpResult Overdue(string reason) =>
        TypedResults.Problem($"{reason} Send \"allowOverdue\": true to confirm it.", statusCode: StatusCodes.Status422UnprocessableEntity, title: "Due date in the past");

    private static async Task<Results<Ok<TaskResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        Guid id, DueDateRequest request, ClaimsPrincipal user, EvidenceTaskService tasks, ComplianceDbContext db,
        CancellationToken cancellationToken)
    {
        var validation = new ApiValidation()
            .Add("dueDate", request.DueDate is null ? "dueDate is required" : null)
            .Add("reason", ApiValidation.Text(request.Reason, "reason", EvidenceTaskService.MaximumTextLength, required: false));
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        // The group's policy has made the caller a lead or admin; a person behind the token is named in the audit trail.
        var actor = await ApiActor.ResolveAsync(user, db, cancellationToken) with { ActsAsLead = true };
        var outcome = await tasks.ActAsync(id, null, actor, new ChangeDueDate(request.DueDate!.Value, request.Reason?.Trim(), request.AllowOverdue),
            cancellationToken: cancellationToken);
        return outcome.Kind switch
        {
            TaskOutcomeKind.Done => TypedResults.Ok(TaskResponse.From(
                await db.EvidenceTasks.WithControlAndPeople().AsNoTracking().SingleAsync(t => t.Id == id, cancellationToken))),
            TaskOutcomeKind.NotFound => ApiProblems.NotFound("evidence task", id),
            TaskOutcomeKind.NeedsConfirmation => Overdue(outcome.Message.Text),
            TaskOutcomeKind.Refused => ApiProblems.Forbidden(outcome.Message.Text),
            TaskOutcomeKind.NotApplicable or TaskOutcomeKind.Changed => ApiProblems.Conflict(outcome.Message.Text),
            _ => new ApiValidation().Add("dueDate", outcome.Message.Text).Problem(),
        };
    }
}
