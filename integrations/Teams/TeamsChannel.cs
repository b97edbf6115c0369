using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Integrations.Teams.Cards;
using ChatCompliance.Integrations.Teams.Connector;

namespace ChatCompliance.Integrations.Teams;

/// <summary>Teams conversations, through the Bot Connector at each conversation's stored serviceUrl, cards as Adaptive Cards.</summary>
public sealed class TeamsChannel(IBotConnector connector) : IChatChannel
{
    public Platform Platform => Platform.Teams;

    public async Task<string?> SendAsync(ConversationReference conversation, Card card, string? outboxKey = null, string? replyToId = null, CancellationToken cancellationToken = default) =>
        (replyToId is null
            ? await connector.SendAsync(ServiceUrl(conversation), conversation.ConversationId, AdaptiveCardRenderer.ToMessage(card), cancellationToken)
            : await connector.ReplyAsync(ServiceUrl(conversation), conversation.ConversationId, replyToId, AdaptiveCardRenderer.ToMessage(card), cancellationToken)).Id;

    public Task UpdateAsync(ConversationReference conversation, string messageId, Card card, CancellationToken cancellationToken = default) =>
        connector.UpdateAsync(ServiceUrl(conversation), conversation.ConversationId, messageId, AdaptiveCardRenderer.ToMessage(card), cancellationToken);

    public Task DeleteAsync(ConversationReference conversation, string messageId, CancellationToken cancellationToken = default) =>
        connector.DeleteAsync(ServiceUrl(conversation), conversation.ConversationId, messageId, cancellationToken);

    /// <summary>The Bot Connector cannot list a conversation's messages.</summary>
    public Task<SentLookup> FindSentAsync(ConversationReference conversation, string outboxKey, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Task.FromResult(SentLookup.Unknowable);

    private static string ServiceUrl(ConversationReference conversation) =>
        conversation.ServiceUrl ?? throw new InvalidOperationException($"The Teams conversation {conversation.Id} has no serviceUrl to send to.");
}
