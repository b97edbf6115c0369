using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Integrations.Slack.Blocks;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// Slack conversations, through the Web API with the bot token, cards as Block Kit. A message sent from the outbox
/// carries its key in message metadata, so a send a crash cut off is found (or not) in the channel's history.
/// </summary>
public sealed class SlackChannel(ISlackWebApi slack) : IChatChannel
{
    /// <summary>The Slack message metadata type that carries an outbox key (<c>event_payload.key</c>).</summary>
    public const string OutboxEventType = "chatcompliance_outbox";

    public Platform Platform => Platform.Slack;

    public async Task<string?> SendAsync(ConversationReference conversation, Card card, string? outboxKey = null, string? replyToId = null, CancellationToken cancellationToken = default)
    {
        var message = BlockKitRenderer.Render(card);
        var metadata = outboxKey is null ? null : new SlackMetadata(OutboxEventType, new Dictionary<string, string> { ["key"] = outboxKey });
        return (await slack.PostMessageAsync(conversation.ConversationId, message.Text, message.Blocks, replyToId, metadata, cancellationToken)).Ts;
    }

    public async Task UpdateAsync(ConversationReference conversation, string messageId, Card card, CancellationToken cancellationToken = default)
    {
        var message = BlockKitRenderer.Render(card);
        await slack.UpdateMessageAsync(conversation.ConversationId, messageId, message.Text, message.Blocks, cancellationToken);
    }

    public Task DeleteAsync(ConversationReference conversation, string messageId, CancellationToken cancellationToken = default) =>
        slack.DeleteMessageAsync(conversation.ConversationId, messageId, cancellationToken);

    public async Task<SentLookup> FindSentAsync(ConversationReference conversation, string outboxKey, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        await slack.FindMessageByMetadataAsync(conversation.ConversationId, since, OutboxEventType, "key", outboxKey, cancellationToken: cancellationToken) is { } ts
            ? SentLookup.Found(ts)
            : SentLookup.NotSent;
}
