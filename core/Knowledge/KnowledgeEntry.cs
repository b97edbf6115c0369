namespace ChatCompliance.Core.Knowledge;

/// <summary>One curated answer to a family of questions.</summary>
public sealed record KnowledgeEntry(
    string Id,
    string Title,
    IReadOnlyList<string> Questions,
    IReadOnlyList<string> References,
    IReadOnlyList<Source> Sources,
    string Owner,
    DateOnly LastReviewed,
    IReadOnlyList<string> Related,
    string Answer)
{
    /// <summary>The answer without Markdown, for indexing and plain-text channels.</summary>
    public string AnswerText { get; init; } = Answer;
}

/// <summary>A cited source: what it is and where to read it.</summary>
public sealed record Source(string Title, string Url);
