using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Chat;

/// <summary>
/// One chat platform's way out: post a neutral card into a stored conversation (rendered the platform's way), replace
/// or delete a posted one, and say whether a message carrying an outbox key arrived. Teams and Slack implement it in
/// <c>integrations/</c>; the outbox dispatcher sends every message through the channel of its conversation's platform.
/// </summary>
public interface IChatChannel
{
    /// <summary>The platform whose conversations this channel reaches.</summary>
    Platform Platform { get; }

    /// <summary>
    /// Posts the card, carrying <paramref name="outboxKey"/> where the platform keeps it with the message (Slack's
    /// message metadata), as a reply to the message <paramref name="replyToId"/> when given (Teams: in its thread;
    /// Slack: a thread's ts); returns the new message's id (Teams activity id, Slack ts) when the platform gives one.
    /// </summary>
    Task<string?> SendAsync(ConversationReference conversation, Card card, string? outboxKey = null, string? replyToId = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces the posted message <paramref name="messageId"/> in the conversation with the card.</summary>
    Task UpdateAsync(ConversationReference conversation, string messageId, Card card, CancellationToken cancellationToken = default);

    /// <summary>Deletes the posted message <paramref name="messageId"/> from the conversation.</summary>
    Task DeleteAsync(ConversationReference conversation, string messageId, CancellationToken cancellationToken = default);

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
