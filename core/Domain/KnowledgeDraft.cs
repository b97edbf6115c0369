namespace ChatCompliance.Core.Domain;

public enum DraftStatus
{
    /// <summary>Waiting for a compliance lead's review.</summary>
    Pending = 0,
    /// <summary>Approved: the bot answers from it, and <c>kb export-drafts</c> writes it as an entry file.</summary>
    Approved = 1,
    /// <summary>Rejected: kept for the audit trail, never answered from.</summary>
    Rejected = 2,
}

/// <summary>
/// A knowledge-base entry proposed from a compliance lead's answer to a handed-off question ("Save as draft"), waiting
/// for another lead's review. Lists (phrasings, references) are stored one item a line.
/// </summary>
public sealed class KnowledgeDraft
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>The proposed entry id (kebab-case, unique among drafts that are not rejected).</summary>
    public required string EntryId { get; set; }

    public required string Title { get; set; }

    /// <summary>The answer, as the lead wrote it (Markdown of our own).</summary>
    public required string Body { get; set; }

    /// <summary>The ways people ask it, one a line; the handed-off question is the first.</summary>
    public required string Phrasings { get; set; }

    /// <summary>Catalog references (<c>SOC2:CC6.1</c>), one a line; empty unless detected in the question or answer or added by a lead.</summary>
    public string References { get; set; } = "";

    /// <summary>The source's title: "compliance team answer yyyy-MM-dd" unless a lead names the primary source.</summary>
    public required string SourceTitle { get; set; }

    /// <summary>The source's http(s) address; null for the team's own answer (see knowledge/README.md on export).</summary>
    public string? SourceUrl { get; set; }

    /// <summary>The entry's owner: the email of the lead who answered.</summary>
    public required string Owner { get; set; }

    /// <summary>The lead who wrote the answer (separation of duties: another lead approves, when there is one).</summary>
    public Guid? AuthorId { get; set; }

    /// <summary>The handed-off question it came from.</summary>
    public Guid? QuestionId { get; set; }

    public DraftStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? ReviewedById { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? RejectionReason { get; set; }

    /// <summary>Raised by every change; an action on an older version changes nothing.</summary>
    public int Version { get; set; } = 1;
}
