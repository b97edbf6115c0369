namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// A SOC 2 criterion and an ISO/IEC 27001 item that address the same thing: how closely (<see cref="Strength"/>,
/// one of <see cref="CrosswalkStrength.All"/>), why (our own one line) and which mapping of record says so
/// (<see cref="Source"/>, an id of <c>crosswalk_sources.csv</c>, <c>ours</c> when no public mapping does).
/// </summary>
/// <remarks>Strength and source are kept as written so that <c>kb check</c> can name a bad value instead of hiding it.</remarks>
public sealed record CrosswalkPair(string Soc2Ref, string IsoRef, string Rationale, string Source, string Strength);

/// <summary>How closely the two sides of a crosswalk pair match.</summary>
public static class CrosswalkStrength
{
    /// <summary>The same objective at about the same scope: meeting one largely meets the other.</summary>
    public const string Equivalent = "equivalent";

    /// <summary>One covers a substantial part of the other, not all of it.</summary>
    public const string Partial = "partial";

    /// <summary>The same topic; evidence for one supports the other, no more.</summary>
    public const string Related = "related";

    /// <summary>Strongest first: the order answers list pairs in.</summary>
    public static readonly IReadOnlyList<string> All = [Equivalent, Partial, Related];

    public static bool IsKnown(string strength) => All.Contains(strength, StringComparer.Ordinal);

    /// <summary>Where a pair of this strength sorts: strongest first, unknown last.</summary>
    public static int Rank(string strength) => IsKnown(strength) ? All.ToList().IndexOf(strength) : All.Count;
}

/// <summary>
/// A mapping of record behind crosswalk pairs: who published it, where, under which licence and what it covers.
/// <see cref="Url"/> is empty for <see cref="Ours"/>, our own assessment.
/// </summary>
public sealed record CrosswalkSource(string Id, string Title, string Url, string Licence, string Covers)
{
    /// <summary>The source id of a pair that no public mapping supports: our own reasoning, allowed only as <c>related</c>.</summary>
    public const string Ours = "ours";
}
