using System.Text.RegularExpressions;

namespace ChatCompliance.Bot.Conversation;

/// <summary>What people type, as plain words.</summary>
internal static partial class ChatText
{
    /// <summary>Slack writes emails as &lt;mailto:a@b|a@b&gt; and Teams may send HTML: the plain words.</summary>
    public static string Plain(string text) => Tags().Replace(SlackMailto().Replace(text, "$1"), " ").Replace("&nbsp;", " ", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"<mailto:[^|>]+\|([^>]+)>")]
    private static partial Regex SlackMailto();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();
}
