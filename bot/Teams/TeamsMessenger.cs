using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Integrations.Teams.Connector;

namespace ChatCompliance.Bot.Teams;

/// <summary>Sends cards into stored conversations (Teams now; Slack joins with its channel).</summary>
internal sealed class ProactiveMessenger(IBotConnector teams) : IProactiveMessenger
{
    public async Task SendAsync(ConversationReference conversation, Card card, CancellationToken cancellationToken = default)
    {
        if (conversation.Platform == Platform.Teams && conversation.ServiceUrl is { } serviceUrl)
        {
            await teams.SendAsync(serviceUrl, conversation.ConversationId, TeamsAdapter.ToActivity(card), cancellationToken);
        }
    }
}
