using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using Markdig;

namespace ChatCompliance.Core.Curation;

/// <summary>The shape of a draft: limits, the proposed id and title, and the entry an approved draft becomes.</summary>
public static partial class DraftRules
{
    public const int MaximumIdLength = 80;

    public const int MaximumTitleLength = 200;

    /// <summary>The longest answer a draft keeps: Slack's input limit, so the edit form can always show it whole.</summary>
    public const int MaximumBodyLength = 3000;

    /// <summary>The phrasings, one a line, together.</summary>
    public const int MaximumPhrasingsLength = 3000;

    /// <summary>The most phrasings a draft lists.</summary>
    public const int MaximumPhrasings = 20;

    /// <summary>The longest single phrasing.</summary>
    public const int MaximumPhrasingLength = 300;

    /// <summary>How a draft's source reads when no primary source was given: the team's own answer and its date.</summary>
    public const string TeamAnswerSource = "compliance team answer";

    /// <summary>The source title of an answer given on <paramref name="day"/>.</summary>
    public static string TeamAnswerTitle(DateOnly day) => $"{TeamAnswerSource} {day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>A kebab-case id from the question's words ("Do we need a DPO?" -> <c>do-we-need-a-dpo</c>), at most 60 characters, cut at a word.</summary>
    public static string ProposeId(string question)
    {
        var words = NonWord().Split(Fold(question).ToLowerInvariant()).Where(w => w.Length > 0).ToList();
        var id = new StringBuilder();
        foreach (var word in words)
        {
            if (id.Length + word.Length + 1 > 60)
            {
                break;
            }

            id.Append(id.Length == 0 ? "" : "-").Append(word);
        }

        return id.Length == 0 ? "team-answer" : id.ToString();
    }

    /// <summary>A title from the question: one line, spaces collapsed, the first letter capitalised, cut at <see cref="MaximumTitleLength"/>.</summary>
    public static string ProposeTitle(string question)
    {
        var line = OneLine(question);
        if (line.Length == 0)
        {
            return "Answer from the compliance team";
        }

        line = char.ToUpperInvariant(line[0]) + line[1..];
        return line.Length > MaximumTitleLength ? line[..(MaximumTitleLength - 1)] + "…" : line;
    }

    /// <summary>The text on one line with runs of white space as one space.</summary>
    public static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// A question as the digest compares them: lower case, accents, punctuation and repeated spaces gone
    /// ("What's a DPO?" and "whats a dpo" are the same question).
    /// </summary>
    public static string Normalise(string question) =>
        string.Join(' ', NonWord().Split(Fold(question).ToLowerInvariant().Replace("'", "", StringComparison.Ordinal)).Where(w => w.Length > 0));

    /// <summary>The items of a one-a-line list: trimmed, blank lines and repeats dropped.</summary>
    public static List<string> Lines(string? text) =>
        [.. (text ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>Whether <paramref name="id"/> is a usable entry id (kebab-case, not too long).</summary>
    public static bool IsEntryId(string? id) => id is { Length: > 0 and <= MaximumIdLength } && EntryId().IsMatch(id);

    /// <summary>What is wrong with the phrasings (too many, one too long); null when fine.</summary>
    public static string? PhrasingsProblem(IReadOnlyList<string> phrasings) =>
        phrasings.Count == 0 ? "a draft needs at least one phrasing (the question people ask)"
        : phrasings.Count > MaximumPhrasings ? $"a draft lists at most {MaximumPhrasings} phrasings"
        : phrasings.FirstOrDefault(p => p.Length > MaximumPhrasingLength) is { } tooLong ? $"the phrasing \"{tooLong[..40]}…\" is longer than {MaximumPhrasingLength} characters"
        : null;

    /// <summary>
    /// The entry an approved draft answers as. It may be less complete than a reviewed file entry (one phrasing, no
    /// reference, the team's answer as source): leads approved it, and <c>kb export-drafts</c> + <c>kb check</c> say what
    /// a file needs besides.
    /// </summary>
    public static KnowledgeEntry ToEntry(KnowledgeDraft draft, Catalog catalog)
    {
        var body = ParagraphText.Unwrap(draft.Body.Trim());
        var source = new Source(draft.SourceTitle, draft.SourceUrl ?? "");
        return new KnowledgeEntry(draft.EntryId, draft.Title, Lines(draft.Phrasings), [.. Lines(draft.References).Where(catalog.Contains)], [source],
            draft.Owner, DateOnly.FromDateTime((draft.ReviewedAt ?? draft.CreatedAt).UtcDateTime), [], body)
        {
            AnswerText = Markdown.ToPlainText(body).Trim(),
        };
    }

    private static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark))
        {
            folded.Append(c);
        }

        return folded.ToString();
    }

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonWord();

    [GeneratedRegex(@"\A[a-z0-9]+(-[a-z0-9]+)*\z")]
    private static partial Regex EntryId();
}
