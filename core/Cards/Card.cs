namespace ChatCompliance.Core.Cards;

/// <summary>
/// A platform-neutral card: built once, rendered to an Adaptive Card (Teams) or Block Kit (Slack).
/// Text in <see cref="TextElement"/>, <see cref="Fact"/> and <see cref="CardRow"/> is Markdown (bold, italic,
/// bullets, links); pass untrusted text through <see cref="CardText.Escape"/> first.
/// </summary>
/// <param name="Header">An optional heading.</param>
/// <param name="Body">The elements, top to bottom.</param>
/// <param name="FallbackText">A plain-text summary: the notification text, and Slack's <c>text</c>.</param>
public sealed record Card(CardHeader? Header, IReadOnlyList<CardElement> Body, string FallbackText)
{
    /// <summary>The buttons under the body.</summary>
    public IReadOnlyList<CardButton> Actions { get; init; } = [];

    /// <summary>
    /// Platform user ids for whom the card refreshes itself when shown (for example to show the reviewer their
    /// buttons and everyone else a read-only view). Teams honours at most 60.
    /// </summary>
    public IReadOnlyList<string> RefreshUserIds { get; init; } = [];

    /// <summary>
    /// True for a card sent many times as this same instance (an answer from the knowledge base, see
    /// <see cref="QuestionCards.Answer"/>): renderers keep what they made of it rather than rendering it for every
    /// message. Such a card is never changed after it is built.
    /// </summary>
    public bool Reused { get; init; }

    /// <summary>
    /// True for a plain message rather than a card (a short reply such as "Booked **SOC 2 Type 2**"): renderers send the
    /// Markdown of <see cref="FallbackText"/> as the message's text. Built by <see cref="Message"/>.
    /// </summary>
    public bool IsMessage { get; init; }

    /// <summary>A plain message written in card Markdown, to go out (through the outbox) like any card.</summary>
    public static Card Message(string markdown) => new(null, [new TextElement(markdown)], markdown) { IsMessage = true };
}

/// <summary>A card's heading.</summary>
public sealed record CardHeader(string Title, string? Subtitle = null);
