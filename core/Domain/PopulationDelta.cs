namespace ChatCompliance.Core.Domain;

/// <summary>
/// Where a recurring access review series left off in the directory's change tracking (Microsoft Graph's delta
/// query): the link that asks for the changes since, and the membership as it stood at that link. The next period's
/// population is that membership with the changes applied. One per series; dropped whenever it is in doubt, so the
/// next read is a full one. Both texts are opaque outside the directory that wrote them; the link is no credential.
/// </summary>
public sealed class PopulationDelta
{
    /// <summary>The series (the first campaign's id).</summary>
    public Guid SeriesId { get; set; }

    public ReviewResourceKind ResourceKind { get; set; }

    /// <summary>The resource the membership is of; a state kept for another resource is never applied.</summary>
    public required string ResourceId { get; set; }

    /// <summary>The directory's link to the changes since <see cref="TakenAt"/>.</summary>
    public required string Link { get; set; }

    /// <summary>The membership at <see cref="Link"/>, as the directory wrote it.</summary>
    public required string Membership { get; set; }

    /// <summary>When the link was taken: Graph forgets one after 7 days, so it is moved forward between periods.</summary>
    public DateTimeOffset TakenAt { get; set; }
}
