using System.Text;
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
        var text = markdown.ReplaceLineEndings("\n");
        // The line breaks inside a paragraph's source span are its wraps.
        var wraps = new HashSet<int>();
        foreach (var paragraph in Markdown.Parse(text).Descendants<ParagraphBlock>())
        {
            var end = Math.Min(paragraph.Span.End, text.Length - 1);
            for (var i = paragraph.Span.Start; i < end; i++)
            {
                if (text[i] == '\n')
                {
                    wraps.Add(i);
                }
            }
        }

        var unwrapped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n' || !wraps.Contains(i) || IsHardBreak(unwrapped))
            {
                unwrapped.Append(text[i]);
                continue;
            }

            while (unwrapped.Length > 0 && unwrapped[^1] == ' ')
            {
                unwrapped.Length--;
            }

            unwrapped.Append(' ');
            while (i + 1 < text.Length && text[i + 1] is ' ' or '\t')
            {
                i++;
            }
        }

        return unwrapped.ToString();
    }

    private static bool IsHardBreak(StringBuilder before) =>
        before.Length > 0 && before[^1] == '\\' || before.Length > 1 && before[^1] == ' ' && before[^2] == ' ';
}
