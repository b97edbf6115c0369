using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatCompliance.Core.Cards;

/// <summary>Makes untrusted text (what people type, names from a directory) safe to show as card Markdown.</summary>
public static partial class CardText
{
    /// <summary>The most characters of the original text that <see cref="Escape"/> keeps.</summary>
    public const int MaxLength = 1000;

    // Everything that starts Markdown emphasis, links, images, code, headings, quotes, tables or HTML.
    private const string Special = "\\*_[]()`#><&|~";

    /// <summary>
    /// Shows <paramref name="untrusted"/> literally: drops control and format characters (bidi overrides
    /// included), collapses runs of spaces, keeps line breaks as paragraphs, backslash-escapes Markdown and
    /// HTML, and cuts the text to <see cref="MaxLength"/> characters with an ellipsis. The result is CommonMark;
    /// a renderer for another dialect undoes the backslash escapes and applies its own.
    /// </summary>
    public static string Escape(string untrusted)
    {
        var lines = Clean(untrusted).Split('\n')
            .Select(line => string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .Where(line => line.Length > 0);
        var plain = string.Join('\n', lines);
        var cut = plain.Length > MaxLength;
        if (cut)
        {
            plain = plain[..(char.IsHighSurrogate(plain[MaxLength - 1]) ? MaxLength - 1 : MaxLength)];
        }

        var escaped = string.Join("\n\n", plain.Split('\n').Select(EscapeLine));
        return cut ? escaped + "…" : escaped;
    }

    private static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        foreach (var rune in text.ReplaceLineEndings("\n").EnumerateRunes())
        {
            if (rune.Value == '\n')
            {
                clean.Append('\n');
            }
            else if (Rune.IsWhiteSpace(rune))
            {
                clean.Append(' ');
            }
            else if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format))
            {
                clean.Append(rune.ToString());
            }
        }

        return clean.ToString();
    }

    private static string EscapeLine(string line)
    {
        var escaped = new StringBuilder(line.Length + 16);
        foreach (var c in line)
        {
            if (Special.Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        // A line that starts like a list item ("- ", "+ ", "1. ") would become one.
        var text = escaped.ToString();
        var marker = ListMarker().Match(text);
        return marker.Success ? text.Insert(marker.Length - 1, "\\") : text;
    }

    /// <summary>
    /// The card Markdown of a reply as plain text, for places that show no Markdown (an API problem's detail, a CLI line,
    /// a Teams invoke's message): bold marks dropped, <c>[label](url)</c> as <c>label (url)</c>, backslash escapes undone.
    /// </summary>
    public static string Plain(string markdown) =>
        Escaped().Replace(Link().Replace(markdown.Replace("**", "", StringComparison.Ordinal), "$1 ($2)"), "$1");

    [GeneratedRegex(@"^(?:[-+]|\d{1,9}\.)")]
    private static partial Regex ListMarker();

    [GeneratedRegex(@"\\([\\`*_{}\[\]()#+\-.!|>~<&])")]
    private static partial Regex Escaped();

    [GeneratedRegex(@"(?<!\\)\[([^\]\n]+)\]\((https?://[^)\s]+)\)")]
    private static partial Regex Link();
}
