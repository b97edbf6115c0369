using System.Text.Json.Serialization;

namespace ChatCompliance.Core.Cards;

/// <summary>A button: either a <see cref="CardAction"/> that comes back to the bot, or an <see cref="OpenUrlAction"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CardAction), "action")]
[JsonDerivedType(typeof(OpenUrlAction), "open_url")]
public abstract record CardButton
{
    /// <summary>
    /// The longest title a button may have. Teams cuts Adaptive Card action titles at about 20 characters on phones, and
    /// Slack shows about 30 of the 75 it allows: a label is a verb or two, and the details go in the card's body.
    /// Renderers cut a longer title (<see cref="Fit"/>); the tests hold every card the app builds within it.
    /// </summary>
    public const int MaxTitleLength = 20;

    private protected CardButton(string title) => Title = title;

    /// <summary>Plain-text label of at most <see cref="MaxTitleLength"/> characters.</summary>
    public string Title { get; init; }

    /// <summary>
    /// <paramref name="title"/> when it fits in <see cref="MaxTitleLength"/>, else cut at a word (or the limit) with an
    /// ellipsis: a renderer's last resort, never a substitute for a short label.
    /// </summary>
    public static string Fit(string title)
    {
        var trimmed = title.Trim();
        if (trimmed.Length <= MaxTitleLength)
        {
            return trimmed;
        }

        var end = trimmed.LastIndexOf(' ', MaxTitleLength - 1);
        if (end < MaxTitleLength / 2)
        {
            end = char.IsHighSurrogate(trimmed[MaxTitleLength - 2]) ? MaxTitleLength - 2 : MaxTitleLength - 1;
        }

        return trimmed[..end].TrimEnd() + "…";
    }
}
