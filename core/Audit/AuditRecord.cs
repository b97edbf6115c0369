using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Audit;

/// <summary>What to record about one decision or state change; <see cref="AuditTrail"/> adds the time, number and hashes.</summary>
/// <param name="Actor">Who acted: the person's email, or <c>system</c> for jobs.</param>
/// <param name="ActorPersonId">The acting person, when there is one.</param>
/// <param name="Platform">Where the action came from.</param>
/// <param name="Action">What was done, dotted and lower-case, for example <c>task.submitted</c>.</param>
/// <param name="SubjectType">The kind of thing acted on; see <see cref="AuditSubjects"/>.</param>
/// <param name="SubjectId">Its id; for an entity with a <see cref="Guid"/> key, <see cref="AuditSubjects.Id"/>.</param>
/// <param name="Before">State before the change, as JSON (null when the subject is new); hashed exactly as given.</param>
/// <param name="After">State after the change, as JSON (null when the subject is gone); hashed exactly as given.</param>
/// <param name="Reason">Why, in the actor's words (a justification, a rejection reason), when there is one.</param>
public sealed record AuditRecord(
    string Actor,
    Guid? ActorPersonId,
    Platform Platform,
    string Action,
    string SubjectType,
    string SubjectId,
    string? Before,
    string? After,
    string? Reason);

/// <summary>The subject types the audit trail knows, and how their ids are written.</summary>
public static class AuditSubjects
{
    /// <summary>An <see cref="Domain.EvidenceTask"/>; the export finds a task's entries by this type and <see cref="Id"/>.</summary>
    public const string EvidenceTask = nameof(Domain.EvidenceTask);

    /// <summary>An <see cref="AccessReviewItem"/>.</summary>
    public const string AccessReviewItem = nameof(Domain.AccessReviewItem);

    /// <summary>An <see cref="AccessReviewCampaign"/>.</summary>
    public const string AccessReviewCampaign = nameof(Domain.AccessReviewCampaign);

    /// <summary>A <see cref="Domain.Control"/> of the register.</summary>
    public const string Control = nameof(Domain.Control);

    /// <summary>A <see cref="Domain.Person"/>, roles included.</summary>
    public const string Person = nameof(Domain.Person);

    /// <summary>An admin-API <see cref="Domain.ApiKey"/>.</summary>
    public const string ApiKey = nameof(Domain.ApiKey);

    /// <summary>A <see cref="Domain.ChannelSubscription"/>.</summary>
    public const string ChannelSubscription = nameof(Domain.ChannelSubscription);

    /// <summary>An external audit on the calendar (<see cref="Domain.Audit"/>).</summary>
    public const string CalendarAudit = "Audit";

    /// <summary>A <see cref="Domain.KnowledgeDraft"/>: a proposed knowledge-base entry.</summary>
    public const string KnowledgeDraft = nameof(Domain.KnowledgeDraft);

    /// <summary>A section of settings; its id is the section's name.</summary>
    public const string Settings = "Settings";

    /// <summary>The form of a <see cref="Guid"/> key in <see cref="AuditTrailEntry.SubjectId"/>: lower-case, with hyphens.</summary>
    public static string Id(Guid id) => id.ToString("D");
}
