namespace ChatCompliance.Core.Domain;

/// <summary>Where an evidence task stands.</summary>
public enum EvidenceTaskStatus
{
    Open = 0,
    Submitted = 1,
    Accepted = 2,
    Rejected = 3,
}

/// <summary>A request to a control owner for evidence by a due date.</summary>
public sealed class EvidenceTask
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid ControlId { get; set; }

    public Control? Control { get; set; }

    public required string Title { get; set; }

    public Guid OwnerId { get; set; }

    public Person? Owner { get; set; }

    /// <summary>Someone the owner lets act on the task in their place.</summary>
    public Guid? DelegateId { get; set; }

    public Person? Delegate { get; set; }

    public DateOnly DueDate { get; set; }

    /// <summary>The period the evidence covers, when it covers one.</summary>
    public DateOnly? PeriodStart { get; set; }

    public DateOnly? PeriodEnd { get; set; }

    public EvidenceTaskStatus Status { get; set; } = EvidenceTaskStatus.Open;

    public string? EvidenceUrl { get; set; }

    /// <summary>The owner's note with the evidence, or their comment when they marked the task done without a link.</summary>
    public string? EvidenceNote { get; set; }

    /// <summary>The date the evidence is effective on, or the start of the period it covers.</summary>
    public DateOnly? EvidenceEffectiveFrom { get; set; }

    /// <summary>The end of the period the evidence covers, when it covers a period.</summary>
    public DateOnly? EvidenceEffectiveTo { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>Who submitted the evidence or marked the task done: they may not decide on it (separation of duties).</summary>
    public Guid? SubmittedById { get; set; }

    public Guid? DecidedById { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public string? DecisionReason { get; set; }

    /// <summary>A due date the owner asked for, waiting for a compliance lead's decision.</summary>
    public DateOnly? RequestedDueDate { get; set; }

    public string? ExtensionReason { get; set; }

    /// <summary>Who asked for the pending extension: they may not approve it.</summary>
    public Guid? ExtensionRequestedById { get; set; }

    /// <summary>Someone the owner proposed to hand the task to, waiting for a compliance lead's approval.</summary>
    public Guid? ProposedOwnerId { get; set; }

    public Person? ProposedOwner { get; set; }

    public string? ReassignReason { get; set; }

    /// <summary>Who asked for the pending reassignment: they may not approve it.</summary>
    public Guid? ReassignRequestedById { get; set; }

    /// <summary>The control's SOC 2 references when the evidence was accepted; the export shows these, so later control edits never rewrite it.</summary>
    public List<string>? AcceptedSoc2Refs { get; set; }

    /// <summary>The control's ISO/IEC 27001 references when the evidence was accepted.</summary>
    public List<string>? AcceptedIso27001Refs { get; set; }

    /// <summary>Who created the task: a person's email, <c>system</c> for generated tasks.</summary>
    public string? CreatedBy { get; set; }

    /// <summary>Incremented on every change; cards carry it so a stale click changes nothing.</summary>
    public int Version { get; set; } = 1;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
