using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Tasks;

/// <summary>A due date's problem: <see cref="TaskOutcomeKind.Invalid"/> (absurd) or <see cref="TaskOutcomeKind.NeedsConfirmation"/> (past, not confirmed).</summary>
public sealed record DueDateProblem(TaskOutcomeKind Kind, string Reason);

/// <summary>
/// The one rule for the due date a lead gives a task, whatever the door (API, CSV, chat): not before 2000, at most ten
/// years ahead, and in the past only when confirmed (a company moving an existing programme in has overdue evidence on
/// day one). Each door only says how to confirm.
/// </summary>
public static class TaskDueDates
{
    /// <summary>The audit trail's reason on a task created (or moved) already overdue.</summary>
    public const string CreatedOverdue = "due date in the past, confirmed (overdue from the start)";

    /// <summary>Why <paramref name="due"/> cannot be used on <paramref name="today"/>; null when it can.</summary>
    public static DueDateProblem? Problem(DateOnly due, DateOnly today, bool allowOverdue)
    {
        if (DateRule.Problem(due, "The due date", today) is { } absurd)
        {
            return new DueDateProblem(TaskOutcomeKind.Invalid, absurd + ".");
        }

        return due < today && !allowOverdue
            ? new DueDateProblem(TaskOutcomeKind.NeedsConfirmation,
                $"The due date {due:yyyy-MM-dd} is in the past, so the task would be overdue from the start.")
            : null;
    }
}
