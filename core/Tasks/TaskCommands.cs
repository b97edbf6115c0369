using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Tasks;

/// <summary>Who acts on a task, and from where. <see cref="Person"/> is null for someone the bot does not know.</summary>
/// <param name="Person">The acting person, read from the database for this action.</param>
/// <param name="Platform">Where the action came from.</param>
/// <param name="PlatformUserId">The platform's id for the actor, recorded when the person is unknown.</param>
public sealed record TaskActor(Person? Person, Platform Platform, string? PlatformUserId = null)
{
    /// <summary>
    /// The door has established that the caller acts as a compliance lead without naming a person (an admin-API caller with
    /// the lead or admin role): enough for commands that decide nothing about evidence (<see cref="TaskCommand.NeedsPerson"/> false).
    /// </summary>
    public bool ActsAsLead { get; init; }

    /// <summary>How the audit trail names the actor: the person's email; for the API, the key or token's name.</summary>
    public string Name => Person?.Email
        ?? (Platform is Platform.Api ? $"api:{PlatformUserId}" : Platform is Platform.Cli ? $"cli:{PlatformUserId}" : Platform is Platform.System ? "system" : $"unknown {Platform.ToString().ToLowerInvariant()} user {PlatformUserId}");
}

/// <summary>Something done to an evidence task. Each is allowed in some states and to some people.</summary>
public abstract record TaskCommand
{
    /// <summary>The audit trail's action name.</summary>
    public abstract string Action { get; }

    /// <summary>Compliance leads only; otherwise the owner or delegate only.</summary>
    public abstract bool ForLeads { get; }

    /// <summary>Only a known person may do it (separation of duties needs to know who decides).</summary>
    public virtual bool NeedsPerson => true;
}

/// <summary>The owner hands in an evidence link with a note and the date or period it is effective for.</summary>
public sealed record SubmitEvidence(string Url, string? Note, DateOnly? EffectiveFrom, DateOnly? EffectiveTo) : TaskCommand
{
    public override string Action => "task.submitted";

    public override bool ForLeads => false;
}

/// <summary>The owner marks the task done without a link, with a comment (for example "done in the HR system").</summary>
public sealed record MarkDone(string Comment) : TaskCommand
{
    public override string Action => "task.marked_done";

    public override bool ForLeads => false;
}

/// <summary>The owner asks for a later due date.</summary>
public sealed record RequestExtension(DateOnly NewDueDate, string Reason) : TaskCommand
{
    public override string Action => "task.extension_requested";

    public override bool ForLeads => false;
}

/// <summary>A compliance lead approves or declines the pending extension.</summary>
public sealed record DecideExtension(bool Approve, string? Reason) : TaskCommand
{
    public override string Action => Approve ? "task.extension_approved" : "task.extension_declined";

    public override bool ForLeads => true;
}

/// <summary>The owner hands the task to someone else (at once, or after a lead's approval when so configured).</summary>
public sealed record Reassign(string Email, string? Reason) : TaskCommand
{
    public override string Action => "task.reassigned";

    public override bool ForLeads => false;
}

/// <summary>A compliance lead approves or declines a pending reassignment.</summary>
public sealed record DecideReassignment(bool Approve, string? Reason) : TaskCommand
{
    public override string Action => Approve ? "task.reassignment_approved" : "task.reassignment_declined";

    public override bool ForLeads => true;
}

/// <summary>A compliance lead accepts the submitted evidence.</summary>
public sealed record AcceptEvidence(string? Comment) : TaskCommand
{
    public override string Action => "task.accepted";

    public override bool ForLeads => true;
}

/// <summary>A compliance lead rejects the submitted evidence; the task opens again with the reason.</summary>
public sealed record RejectEvidence(string Reason) : TaskCommand
{
    public override string Action => "task.rejected";

    public override bool ForLeads => true;
}

/// <summary>
/// A compliance lead sets a new due date (earlier or later), with an optional reason; a date in the past needs
/// <see cref="AllowOverdue"/>. Neutral for separation of duties: it decides nothing about the evidence.
/// </summary>
public sealed record ChangeDueDate(DateOnly NewDueDate, string? Reason, bool AllowOverdue = false) : TaskCommand
{
    public override string Action => "task.due_date_changed";

    public override bool ForLeads => true;

    public override bool NeedsPerson => false;
}

/// <summary>How an action on a task ended.</summary>
public enum TaskOutcomeKind
{
    /// <summary>The task changed.</summary>
    Done,
    /// <summary>The actor may not do this; nothing changed (the attempt is in the audit trail).</summary>
    Refused,
    /// <summary>The input was not acceptable (a bad link, a date in the past); nothing changed.</summary>
    Invalid,
    /// <summary>The task changed since the card was shown, or someone else acted first; nothing changed.</summary>
    Changed,
    /// <summary>The action does not apply in the task's state; nothing changed.</summary>
    NotApplicable,
    NotFound,
    /// <summary>The due date is already past: the door must ask for a confirmation (onboarding overdue evidence); nothing changed.</summary>
    NeedsConfirmation,
}

/// <summary>The result of an action: what happened, a sentence for the actor, and the task as it now stands.</summary>
public sealed record TaskOutcome(TaskOutcomeKind Kind, Notice Message, EvidenceTask? Task)
{
    public bool Succeeded => Kind == TaskOutcomeKind.Done;

    /// <summary>What was wrong with the request, field by field, when it was <see cref="TaskOutcomeKind.Invalid"/> (or needs a confirmation).</summary>
    public IReadOnlyList<TaskProblem> Problems { get; init; } = [];

    /// <summary>For a new task: false when its owner has no conversation with the bot yet, so their card waits for them.</summary>
    public bool OwnerReached { get; init; } = true;
}

/// <summary>Settings of evidence tasks.</summary>
public sealed class TaskOptions
{
    public const string SectionName = "Tasks";

    /// <summary>A reassignment waits for a compliance lead's approval.</summary>
    public bool ReassignRequiresApproval { get; set; }

    /// <summary>When generated tasks fall due, per frequency.</summary>
    public TaskGenerationOptions Generation { get; set; } = new();
}

/// <summary>When generated tasks fall due (<c>Tasks:Generation:Monthly|Quarterly|Annual</c>).</summary>
public sealed class TaskGenerationOptions
{
    public GenerationSchedule Monthly { get; set; } = new() { DueOffsetDays = 0, MinimumNoticeDays = 7 };

    public GenerationSchedule Quarterly { get; set; } = new() { DueOffsetDays = 0, MinimumNoticeDays = 30 };

    public GenerationSchedule Annual { get; set; } = new() { DueOffsetDays = 0, MinimumNoticeDays = 90 };

    /// <summary>The schedule of a periodic frequency.</summary>
    public GenerationSchedule For(EvidenceFrequency frequency) => frequency switch
    {
        EvidenceFrequency.Monthly => Monthly,
        EvidenceFrequency.Quarterly => Quarterly,
        EvidenceFrequency.Annual => Annual,
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "On-demand controls have no period."),
    };
}

/// <summary>A generated task is due <see cref="DueOffsetDays"/> after its period ends, and at least <see cref="MinimumNoticeDays"/> after it is generated.</summary>
public sealed class GenerationSchedule
{
    [System.ComponentModel.DataAnnotations.Range(-60, 180)]
    public int DueOffsetDays { get; set; }

    [System.ComponentModel.DataAnnotations.Range(0, 365)]
    public int MinimumNoticeDays { get; set; }
}
