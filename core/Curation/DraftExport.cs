using System.Globalization;
using System.Text;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Core.Curation;

/// <summary>What <c>kb export-drafts</c> did with one approved draft: the file, whether it was written, and what <c>kb check</c> still wants.</summary>
public sealed record ExportedDraft(string EntryId, string File, bool Written, IReadOnlyList<string> Missing);

/// <summary>
/// Writes approved drafts as <c>entries/&lt;id&gt;.md</c> in the repository's format (knowledge/README.md), so they can be
/// reviewed and committed. What a draft lacks is written as it is, never invented: a draft without a primary source keeps
/// the "compliance team answer" source without an address, and <c>kb check</c> then names exactly what to add (four
/// phrasings, a catalog reference, the primary source's address) before the file can be committed.
/// </summary>
public static class DraftExport
{
    /// <summary>The entry file of a draft.</summary>
    public static string ToMarkdown(KnowledgeDraft draft)
    {
        var md = new StringBuilder();
        md.Append("---\n");
        md.Append(CultureInfo.InvariantCulture, $"id: {draft.EntryId}\n");
        md.Append(CultureInfo.InvariantCulture, $"title: {Quote(draft.Title)}\n");
        List(md, "questions", DraftRules.Lines(draft.Phrasings).Select(Quote));
        List(md, "references", DraftRules.Lines(draft.References));
        md.Append("sources:\n");
        md.Append(CultureInfo.InvariantCulture, $"  - title: {Quote(draft.SourceTitle)}\n");
        if (!string.IsNullOrWhiteSpace(draft.SourceUrl))
        {
            md.Append(CultureInfo.InvariantCulture, $"    url: {Quote(draft.SourceUrl)}\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"owner: {Quote(draft.Owner)}\n");
        md.Append(CultureInfo.InvariantCulture, $"last_reviewed: {DateOnly.FromDateTime((draft.ReviewedAt ?? draft.CreatedAt).UtcDateTime):yyyy-MM-dd}\n");
        md.Append("---\n");
        md.Append(draft.Body.Trim().ReplaceLineEndings("\n"));
        md.Append('\n');
        return md.ToString();
    }

    /// <summary>
    /// Writes each approved draft into <paramref name="folder"/><c>/entries</c>; a file that already exists is left alone
    /// (it was exported before, and may have been edited since). Returns what <c>kb check</c> says of each.
    /// </summary>
    public static IReadOnlyList<ExportedDraft> Write(IEnumerable<KnowledgeDraft> approved, string folder)
    {
        var entries = Path.Combine(folder, "entries");
        Directory.CreateDirectory(entries);
        var results = new List<ExportedDraft>();
        foreach (var draft in approved.Where(d => d.Status == DraftStatus.Approved && DraftRules.IsEntryId(d.EntryId)))
        {
            var file = Path.Combine(entries, draft.EntryId + ".md");
            var text = ToMarkdown(draft);
            var written = !File.Exists(file);
            if (written)
            {
                File.WriteAllText(file, text, new UTF8Encoding(false));
            }

            var problems = new List<KnowledgeProblem>();
            KnowledgeBase.Parse($"entries/{draft.EntryId}.md", text, problems);
            results.Add(new ExportedDraft(draft.EntryId, file, written, [.. problems.Select(p => p.Message)]));
        }

        return results;
    }

    private static void List(StringBuilder md, string key, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"{key}: []\n");
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"{key}:\n");
        foreach (var item in list)
        {
            md.Append(CultureInfo.InvariantCulture, $"  - {item}\n");
        }
    }

    /// <summary>A YAML double-quoted scalar: backslashes and quotes escaped, control characters dropped, one line.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in DraftRules.OneLine(text))
        {
            if (char.IsControl(c))
            {
                continue;
            }

            if (c is '"' or '\\')
            {
                quoted.Append('\\');
            }

            quoted.Append(c);
        }

        return quoted.Append('"').ToString();
    }
}
