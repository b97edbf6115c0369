using Markdig;
using Markdig.Syntax;

namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// Undoes the hard line wraps of Markdown written in an editor: chat clients show every line break, so an answer
/// wrapped at 100 columns would break mid-sentence on the screen.
/// </summary>
public static class ParagraphText
{
    /// <summary>
    /// Joins the wrapped lines of each paragraph (list items' paragraphs included) with a space; blank lines between
    /// paragraphs, list items, headings and hard line breaks (two trailing spaces or a backslash) stay as they are.
    /// </summary>
    public static string Unwrap(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var continuations = new HashSet<int>();
        foreach (var paragraph in Markdown.Parse(string.Join('\n', lines)).Descendants<ParagraphBlock>())
        {
            for (var i = 1; i < paragraph.Lines.Count; i++)
            {
                continuations.Add(paragraph.Lines.Lines[i].Line);
            }
        }

        var unwrapped = new List<string>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var previous = unwrapped.Count > 0 ? unwrapped[^1] : null;
            if (continuations.Contains(i) && previous is not null && !previous.EndsWith("  ", StringComparison.Ordinal) && !previous.EndsWith('\\'))
            {
                unwrapped[^1] = previous.TrimEnd() + " " + lines[i].Trim();
            }
            else
            {
                unwrapped.Add(lines[i]);
            }
        }

        return string.Join('\n', unwrapped);
    }
}
