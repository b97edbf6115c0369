using System.Text;
using ChatCompliance.Core.Cards;

namespace ChatCompliance.Integrations.Slack.Blocks;

/// <summary>
/// Converts the cards' CommonMark (our Markdown, with untrusted text backslash-escaped by <see cref="CardText.Escape"/>)
/// to Slack mrkdwn. Only our own unescaped Markdown can make formatting or links; escaped text comes out literally,
/// with <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> entity-encoded so it can never form a link or a mention.
/// </summary>
internal static class SlackMrkdwn
{
    /// <summary>The mrkdwn equivalent of <paramref name="markdown"/>: <c>**b**</c> → <c>*b*</c>, <c>*i*</c> → <c>_i_</c>, <c>[t](u)</c> → <c>&lt;u|t&gt;</c>, list markers → •.</summary>
    public static string FromMarkdown(string markdown) => Convert(markdown, allowLinks: true);

    /// <summary>Plain text made safe to place in mrkdwn (no formatting is interpreted from our side).</summary>
    public static string EscapePlain(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            AppendLiteral(escaped, c);
        }

        return escaped.ToString();
    }

    /// <summary>
    /// Splits mrkdwn into pieces of at most <paramref name="max"/> characters, preferring line breaks and spaces and
    /// never cutting through an entity (<c>&amp;amp;</c>), a link (<c>&lt;u|t&gt;</c>) or a surrogate pair.
    /// </summary>
    public static IEnumerable<string> Split(string mrkdwn, int max)
    {
        var rest = mrkdwn.Trim();
        while (rest.Length > max)
        {
            var cut = SafeCut(rest, max, preferBreaks: true);
            var piece = rest[..cut].TrimEnd();
            if (piece.Length > 0)
            {
                yield return piece;
            }

            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

    /// <summary>Cuts mrkdwn to at most <paramref name="max"/> characters, ending with an ellipsis when cut.</summary>
    public static string Cut(string mrkdwn, int max) =>
        mrkdwn.Length <= max ? mrkdwn : mrkdwn[..SafeCut(mrkdwn, max - 1, preferBreaks: false)].TrimEnd() + "…";

    /// <summary>Cuts plain text to at most <paramref name="max"/> characters, ending with an ellipsis when cut.</summary>
    public static string CutPlain(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var end = char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1;
        return text[..end] + "…";
    }

    /// <summary>A mrkdwn link to <paramref name="url"/> showing <paramref name="label"/> (already mrkdwn).</summary>
    public static string Link(string url, string label) => $"<{EscapeUrl(url)}|{label}>";

    private static string Convert(string markdown, bool allowLinks)
    {
        var slack = new StringBuilder(markdown.Length + 16);
        var lineStart = true;
        for (var i = 0; i < markdown.Length; i++)
        {
            var c = markdown[i];
            var next = i + 1 < markdown.Length ? markdown[i + 1] : '\0';
            if (lineStart && c is '-' or '*' or '+' && next == ' ')
            {
                slack.Append("• ");
                i++;
            }
            else if (c == '\\' && IsAsciiPunctuation(next))
            {
                // An escaped character is literal text: undo the CommonMark escape, then apply Slack's.
                AppendLiteral(slack, next);
                i++;
            }
            else if (c == '*' && next == '*')
            {
                slack.Append('*');
                i++;
            }
            else if (c == '*')
            {
                slack.Append('_');
            }
            else if (c == '[' && allowLinks && TryLink(markdown, i, out var text, out var url, out var end))
            {
                var label = Convert(text, allowLinks: false);
                slack.Append(CardLink.IsWebAddress(url) ? Link(url, label) : label);
                i = end;
            }
            else
            {
                AppendLiteral(slack, c);
            }

            lineStart = c == '\n';
        }

        return slack.ToString();
    }

    // [text](url) starting at markdown[start]; end is the index of the closing parenthesis.
    private static bool TryLink(string markdown, int start, out string text, out string url, out int end)
    {
        text = url = "";
        end = -1;
        var close = start + 1;
        while (close < markdown.Length && markdown[close] != ']')
        {
            close += markdown[close] == '\\' ? 2 : 1;
        }

        if (close + 1 >= markdown.Length || markdown[close + 1] != '(')
        {
            return false;
        }

        var paren = markdown.IndexOf(')', close + 2);
        if (paren < 0 || markdown.AsSpan(close + 2, paren - close - 2).ContainsAny(" \n<>"))
        {
            return false;
        }

        text = markdown[(start + 1)..close];
        url = markdown[(close + 2)..paren];
        end = paren;
        return true;
    }

    // Inside <url|text> a raw |, < or > would end the address early.
    private static string EscapeUrl(string url) => url
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("|", "%7C", StringComparison.Ordinal)
        .Replace("<", "%3C", StringComparison.Ordinal)
        .Replace(">", "%3E", StringComparison.Ordinal);

    private static void AppendLiteral(StringBuilder slack, char c) => _ = c switch
    {
        '&' => slack.Append("&amp;"),
        '<' => slack.Append("&lt;"),
        '>' => slack.Append("&gt;"),
        _ => slack.Append(c),
    };

    private static bool IsAsciiPunctuation(char c) => char.IsAscii(c) && (char.IsPunctuation(c) || char.IsSymbol(c));

    // The longest prefix of at most max characters that ends outside an entity, a link and a surrogate pair.
    private static int SafeCut(string text, int max, bool preferBreaks)
    {
        var cut = max;
        if (preferBreaks)
        {
            var lineBreak = text.LastIndexOf('\n', max - 1, max / 2);
            var space = text.LastIndexOf(' ', max - 1, max / 2);
            cut = lineBreak > 0 ? lineBreak + 1 : space > 0 ? space + 1 : max;
        }

        var open = text.LastIndexOf('<', cut - 1);
        if (open > 0 && open > text.LastIndexOf('>', cut - 1))
        {
            cut = open;
        }

        for (var k = cut - 1; k >= Math.Max(0, cut - 5); k--)
        {
            if (text[k] == ';')
            {
                break;
            }

            if (text[k] == '&')
            {
                cut = k;
                break;
            }
        }

        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return cut > 0 ? cut : max;
    }
}
