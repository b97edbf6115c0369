using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>Posts a card into a stored conversation on its platform (implemented by the bot's proactive messenger).</summary>
public interface IOutboxSender
{
    /// <summary>Posts the card; returns the new message's id (Teams activity id, Slack ts) when the platform gives one.</summary>
    Task<string?> SendAsync(ConversationReference conversation, Card card, CancellationToken cancellationToken = default);
}
