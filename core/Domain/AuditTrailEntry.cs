namespace ChatCompliance.Core.Domain;

/// <summary>One decision or state change, chained by a keyed MAC (or, before keys, a plain hash) to the entry before it.</summary>
public sealed class AuditTrailEntry
{
    /// <summary>Position in the chain (1, 2, 3… without gaps), assigned by <c>AuditTrail</c> under the chain's lock.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public Platform Platform { get; set; }

    /// <summary>Who acted: a person's email, or <c>system</c>.</summary>
    public required string Actor { get; set; }

    public Guid? ActorPersonId { get; set; }

    /// <summary>What was done, for example <c>task.submitted</c>.</summary>
    public required string Action { get; set; }

    /// <summary>The kind of thing acted on, for example <c>EvidenceTask</c>.</summary>
    public required string SubjectType { get; set; }

    public required string SubjectId { get; set; }

    /// <summary>State before the change, as JSON.</summary>
    public string? Before { get; set; }

    /// <summary>State after the change, as JSON.</summary>
    public string? After { get; set; }

    public string? Reason { get; set; }

    /// <summary>Hash of the previous entry (64 zeros for the first).</summary>
    public required string PreviousHash { get; set; }

    /// <summary>
    /// HMAC-SHA256 under the key <see cref="KeyId"/> names (v2), or plain SHA-256 when there is no key id (v1, entries
    /// written before the MAC), over this entry's fields and <see cref="PreviousHash"/>, lower-case hex.
    /// </summary>
    public required string Hash { get; set; }

    /// <summary>The id of the key (<c>Audit:Keys:{id}</c>) <see cref="Hash"/> was MACed with; null for a v1 entry.</summary>
    public string? KeyId { get; set; }
}
