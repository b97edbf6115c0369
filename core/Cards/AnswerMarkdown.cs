namespace ChatCompliance.Core.Cards;

/// <summary>
/// How the answerer writes what it composes (two entries side by side, a catalog item, an acronym spelled out) in the
/// knowledge base's own format, CommonMark, which the entries are written in and the cards render. The answerer's only
/// formatting lives here, so <c>core/Knowledge</c> writes words and structure, not markup.
/// </summary>
public static class AnswerMarkdown
{
    /// <summary>Between paragraphs.</summary>
    public const string Paragraph = "\n\n";

    /// <summary>A bullet of a list, on its own paragraph.</summary>
    public const string Bullet = Paragraph + "• ";

    /// <summary>A title or a term, shown bold (the knowledge base's own words: trusted, not escaped).</summary>
    public static string Strong(string text) => $"**{text}**";
}
