namespace ChatCompliance.Core.Knowledge;

/// <summary>What kind of answer the engine gave.</summary>
public enum AnswerKind
{
    /// <summary>From a curated entry.</summary>
    Entry,
    /// <summary>A criterion, clause or control looked up in the catalogs.</summary>
    Catalog,
    /// <summary>The crosswalk between SOC 2 and ISO/IEC 27001 for a named id.</summary>
    Crosswalk,
    /// <summary>The engine does not know and says so.</summary>
    Abstained,
    /// <summary>A comparison composed from two entries' key facts (<see cref="KnowledgeAnswer.EntryId"/> and <see cref="KnowledgeAnswer.AlsoEntryIds"/>).</summary>
    Composed,
}

/// <summary>A criterion, clause or control that the answer cites.</summary>
public sealed record CitedReference(string Ref, string Code, string Title);

/// <summary>Another entry worth offering, as a follow-up question.</summary>
public sealed record RelatedEntry(string EntryId, string Title);

/// <summary>An answer with its citations. The text never contains the question.</summary>
/// <param name="Kind">Where the answer came from.</param>
/// <param name="Text">Chat-sized Markdown (bold and bullets only).</param>
/// <param name="EntryId">The entry answered from, when <see cref="Kind"/> is <see cref="AnswerKind.Entry"/> (the first of two when <see cref="AnswerKind.Composed"/>).</param>
/// <param name="Title">A heading for the answer.</param>
/// <param name="References">Cited criteria, clauses and controls.</param>
/// <param name="Sources">Source addresses.</param>
/// <param name="Related">Follow-up entries.</param>
/// <param name="Confidence">0 to 1; below the threshold the engine abstains.</param>
public sealed record KnowledgeAnswer(
    AnswerKind Kind,
    string Text,
    string? EntryId,
    string Title,
    IReadOnlyList<CitedReference> References,
    IReadOnlyList<Source> Sources,
    IReadOnlyList<RelatedEntry> Related,
    double Confidence)
{
    public bool Abstained => Kind == AnswerKind.Abstained;

    /// <summary>
    /// The catalog reference whose crosswalk this answer shortened ("…and 2 more"), or null when it shows everything;
    /// <see cref="QuestionAnswerer.AnswerInFull"/> gives the whole list.
    /// </summary>
    public string? Shortened { get; init; }

    /// <summary>The other entries a <see cref="AnswerKind.Composed"/> answer draws on, after <see cref="EntryId"/>.</summary>
    public IReadOnlyList<string> AlsoEntryIds { get; init; } = [];
}
