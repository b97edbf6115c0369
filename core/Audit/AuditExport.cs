using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Audit;

/// <summary>What to export: a period, and optionally one control, or one framework (and one of its references).</summary>
/// <param name="From">First day of the period.</param>
/// <param name="To">Last day of the period.</param>
public sealed record AuditExportRequest(DateOnly From, DateOnly To)
{
    /// <summary>Only this control's tasks (its code, any case).</summary>
    public string? ControlCode { get; init; }

    /// <summary>Only tasks of controls mapped to this framework.</summary>
    public Framework? Framework { get; init; }

    /// <summary>With <see cref="Framework"/>: only controls mapped to this criterion or control id (any case), for example <c>CC6.2</c>.</summary>
    public string? Reference { get; init; }
}

/// <summary>
/// Evidence for an auditor: the period's evidence tasks, every audit-trail entry about them, and the state of the
/// whole chain when the export was made, all read from one snapshot of the store.
/// </summary>
public sealed record AuditExport(
    DateTimeOffset GeneratedAt,
    DateOnly From,
    DateOnly To,
    string Scope,
    AuditChainReport Chain,
    IReadOnlyList<ExportedEvidenceTask> Tasks,
    IReadOnlyList<ExportedTrailEntry> TrailEntries);

/// <summary>One evidence task with its control, owner, evidence link and decision.</summary>
public sealed record ExportedEvidenceTask(
    Guid TaskId,
    string ControlCode,
    string ControlTitle,
    IReadOnlyList<string> Soc2Refs,
    IReadOnlyList<string> Iso27001Refs,
    string Task,
    string? Owner,
    string? OwnerName,
    string? Delegate,
    DateOnly DueDate,
    DateOnly? PeriodStart,
    DateOnly? PeriodEnd,
    EvidenceTaskStatus Status,
    string? EvidenceUrl,
    string? EvidenceNote,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? DecidedAt,
    string? DecidedBy,
    string? DecisionReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One audit-trail entry, every field as stored, so its hash can be checked again.</summary>
public sealed record ExportedTrailEntry(
    long Sequence,
    DateTimeOffset OccurredAt,
    Platform Platform,
    string Actor,
    Guid? ActorPersonId,
    string Action,
    string SubjectType,
    string SubjectId,
    string? Before,
    string? After,
    string? Reason,
    string PreviousHash,
    string Hash)
{
    internal static ExportedTrailEntry From(AuditTrailEntry e) =>
        new(e.Sequence, e.OccurredAt, e.Platform, e.Actor, e.ActorPersonId, e.Action, e.SubjectType, e.SubjectId, e.Before, e.After, e.Reason, e.PreviousHash, e.Hash);
}

/// <summary>The request cannot be exported; the message says why, for a CLI line or a 400 response.</summary>
public sealed class AuditExportException : Exception
{
    public AuditExportException(string message) : base(message)
    {
    }

    public AuditExportException()
    {
    }

    public AuditExportException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
