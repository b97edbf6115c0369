namespace ChatCompliance.Core.Cards;

/// <summary>A button that sends <paramref name="Verb"/>, <paramref name="Data"/> and the card's inputs back to the bot.</summary>
/// <param name="Verb">What to do; one of <see cref="CardVerbs"/>.</param>
/// <param name="Title">Plain-text label.</param>
/// <param name="Data">Ids of the thing acted on (see <see cref="CardDataKeys"/>). The key <c>verb</c> is reserved.</param>
/// <param name="Style">How the button looks.</param>
public sealed record CardAction(
    string Verb,
    string Title,
    IReadOnlyDictionary<string, string> Data,
    CardActionStyle Style = CardActionStyle.Default) : CardButton(Title);

/// <summary>How a <see cref="CardAction"/> looks.</summary>
public enum CardActionStyle
{
    Default,
    /// <summary>The expected, constructive choice (Teams <c>positive</c>, Slack <c>primary</c>).</summary>
    Positive,
    /// <summary>A choice that removes or refuses something (Teams <c>destructive</c>, Slack <c>danger</c>).</summary>
    Destructive,
}
