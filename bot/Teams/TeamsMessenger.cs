using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Integrations.Teams.Connector;

namespace ChatCompliance.Bot.Teams;

/// <summary>Sends cards into stored conversations, on whichever platform they live.</summary>
internal sealed class ProactiveMessenger(IBotConnector teams, ISlackWebApi slack) : IProactiveMessenger
{
    public async Task<string?> SendAsync(ConversationReference conversation, Card card, CancellationToken cancellationToken = default)
    {
        if (conversation.Platform == Platform.Teams && conversation.ServiceUrl is { } serviceUrl)
        {
            return (await teams.SendAsync(serviceUrl, conversation.ConversationId, TeamsAdapter.ToActivity(card), cancellationToken)).Id;
        }

        if (conversation.Platform == Platform.Slack)
        {
            var message = BlockKitRenderer.Render(card);
            return (await slack.PostMessageAsync(conversation.ConversationId, message.Text, message.Blocks, cancellationToken: cancellationToken)).Ts;
        }

        return null;
    }

    public async Task UpdateAsync(ConversationReference conversation, string messageId, Card card, CancellationToken cancellationToken = default)
    {
        if (conversation.Platform == Platform.Teams && conversation.ServiceUrl is { } serviceUrl)
        {
            await teams.UpdateAsync(serviceUrl, conversation.ConversationId, messageId, TeamsAdapter.ToActivity(card), cancellationToken);
        }
        else if (conversation.Platform == Platform.Slack)
        {
            var message = BlockKitRenderer.Render(card);
            await slack.UpdateMessageAsync(conversation.ConversationId, messageId, message.Text, message.Blocks, cancellationToken);
        }
    }
}
