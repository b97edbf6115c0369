using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Tasks;

namespace ChatCompliance.Bot.Conversation;

/// <summary><c>subscribe digests|audits</c> and <c>unsubscribe …</c>: a compliance lead points announcements at the conversation they type in.</summary>
internal sealed class SubscriptionConversation(ChannelSubscriptions subscriptions)
{
    public async Task<ChatReply> HandleAsync(ChatEvent chat, Person? actor, string command, CancellationToken cancellationToken)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var subscribe = words[0] == "subscribe";
        SubscriptionTopic? topic = words.Length == 2 ? words[1] switch
        {
            "digest" or "digests" => SubscriptionTopic.Digests,
            "audit" or "audits" => SubscriptionTopic.Audits,
            _ => null,
        } : null;
        if (topic is not { } chosen)
        {
            return new TextReply($"Type **{words[0]} digests** (the weekly digest) or **{words[0]} audits** (audit countdowns and warnings) in the channel that should get them.");
        }

        var what = chosen == SubscriptionTopic.Digests ? "the weekly digest" : "audit announcements";
        var who = new TaskActor(actor, chat.User.Platform);
        return (subscribe, subscribe
            ? await subscriptions.SubscribeAsync(chat.ConversationReferenceId, chosen, who, cancellationToken)
            : await subscriptions.UnsubscribeAsync(chat.ConversationReferenceId, chosen, who, cancellationToken)) switch
        {
            (true, SubscriptionResult.Done) => new TextReply($"Done: this conversation will get {what}. Type **unsubscribe {words[1]}** to stop."),
            (false, SubscriptionResult.Done) => new TextReply($"Done: no more {what} here."),
            (_, SubscriptionResult.AlreadySubscribed) => new TextReply($"This conversation already gets {what}."),
            (_, SubscriptionResult.NotSubscribed) => new TextReply($"This conversation doesn't get {what}."),
            _ => new TextReply("Only a compliance lead can choose where digests and audit announcements go."),
        };
    }
}
