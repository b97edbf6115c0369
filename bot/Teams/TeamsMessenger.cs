using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Integrations.Teams.Connector;
using ChatCompliance.Jobs.Outbox;

namespace ChatCompliance.Bot.Teams;

/// <summary>
/// Sends cards into stored conversations, on whichever platform they live. The platform clients are typed HTTP
/// clients, built when first used: most requests (a question answered) never send proactively.
/// </summary>
internal sealed class ProactiveMessenger(IServiceProvider services) : IProactiveMessenger
{
    private IBotConnector Teams => field ??= services.GetRequiredService<IBotConnector>();

    private ISlackWebApi Slack => field ??= services.GetRequiredService<ISlackWebApi>();

    /// <summary>The Slack message metadata type that carries an outbox key (<c>event_payload.key</c>).</summary>
    internal const string OutboxEventType = "chatcompliance_outbox";

    public async Task<string?> SendAsync(ConversationReference conversation, Card card, string? outboxKey = null, CancellationToken cancellationToken = default)
    {
        if (conversation.Platform == Platform.Teams && conversation.ServiceUrl is { } serviceUrl)
        {
            return (await Teams.SendAsync(serviceUrl, conversation.ConversationId, TeamsAdapter.ToActivity(card), cancellationToken)).Id;
        }

        if (conversation.Platform == Platform.Slack)
        {
            var message = BlockKitRenderer.Render(card);
            return outboxKey is null
                ? (await Slack.PostMessageAsync(conversation.ConversationId, message.Text, message.Blocks, cancellationToken: cancellationToken)).Ts
                : (await Slack.PostMessageAsync(conversation.ConversationId, message.Text, message.Blocks,
                    new SlackMetadata(OutboxEventType, new Dictionary<string, string> { ["key"] = outboxKey }), cancellationToken)).Ts;
        }

        return null;
    }

    public async Task<SentLookup> FindSentAsync(ConversationReference conversation, string outboxKey, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        if (conversation.Platform != Platform.Slack)
        {
            return SentLookup.Unknowable; // the Bot Connector cannot list a conversation's messages
        }

        return await Slack.FindMessageByMetadataAsync(conversation.ConversationId, since, OutboxEventType, "key", outboxKey, cancellationToken: cancellationToken) is { } ts
            ? SentLookup.Found(ts)
            : SentLookup.NotSent;
    }

    public async Task UpdateAsync(ConversationReference conversation, string messageId, Card card, CancellationToken cancellationToken = default)
    {
        if (conversation.Platform == Platform.Teams && conversation.ServiceUrl is { } serviceUrl)
        {
            await Teams.UpdateAsync(serviceUrl, conversation.ConversationId, messageId, TeamsAdapter.ToActivity(card), cancellationToken);
        }
        else if (conversation.Platform == Platform.Slack)
        {
            var message = BlockKitRenderer.Render(card);
            await Slack.UpdateMessageAsync(conversation.ConversationId, messageId, message.Text, message.Blocks, cancellationToken);
        }
    }
}
