using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>Posts a card into a stored conversation on its platform (implemented by the bot's proactive messenger).</summary>
public interface IOutboxSender
{
    /// <summary>
    /// Posts the card, carrying <paramref name="outboxKey"/> where the platform keeps it with the message (Slack's
    /// message metadata); returns the new message's id (Teams activity id, Slack ts) when the platform gives one.
    /// </summary>
    Task<string?> SendAsync(ConversationReference conversation, Card card, string? outboxKey = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a message carrying <paramref name="outboxKey"/> was posted into the conversation since <paramref name="since"/>:
    /// <see cref="SentLookup.Found"/> with its id, <see cref="SentLookup.NotSent"/>, or <see cref="SentLookup.Unknowable"/>
    /// where the platform offers no such lookup (Teams). Throws when the lookup itself fails.
    /// </summary>
    Task<SentLookup> FindSentAsync(ConversationReference conversation, string outboxKey, DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>What the platform says about a message whose send a crash cut off.</summary>
/// <param name="Knowable">False: the platform cannot say (Teams).</param>
/// <param name="MessageId">The message's id when it did arrive.</param>
public sealed record SentLookup(bool Knowable, string? MessageId)
{
    public static SentLookup Unknowable { get; } = new(false, null);

    public static SentLookup NotSent { get; } = new(true, null);

    public static SentLookup Found(string messageId) => new(true, messageId);
}
