using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Conversation;

/// <summary><c>subscribe digests|audits</c> and <c>unsubscribe …</c>: a compliance lead points announcements at the conversation they type in.</summary>
internal sealed class SubscriptionConversation(ComplianceDbContext db, ChangeRecorder changes, TimeProvider time)
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

        if (actor is not { IsActive: true } || !actor.Has(PersonRoles.ComplianceLead))
        {
            return new TextReply("Only a compliance lead can choose where digests and audit announcements go.");
        }

        var what = chosen == SubscriptionTopic.Digests ? "the weekly digest" : "audit announcements";
        var existing = await db.ChannelSubscriptions.SingleOrDefaultAsync(s => s.ConversationReferenceId == chat.ConversationReferenceId && s.Topic == chosen, cancellationToken);
        if (subscribe)
        {
            if (existing is not null)
            {
                return new TextReply($"This conversation already gets {what}.");
            }

            var subscription = new ChannelSubscription { ConversationReferenceId = chat.ConversationReferenceId, Topic = chosen, SubscribedById = actor.Id, CreatedAt = time.GetUtcNow() };
            db.ChannelSubscriptions.Add(subscription);
            try
            {
                await changes.SaveAsync(new TaskActor(actor, chat.User.Platform), [new Change("subscription.created", AuditSubjects.ChannelSubscription,
                    AuditSubjects.Id(subscription.Id), null, ChangeSnapshots.Of(subscription, await ConversationAsync(chat, cancellationToken)))], cancellationToken);
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear();
                return new TextReply($"This conversation already gets {what}."); // a double click raced us
            }

            return new TextReply($"Done: this conversation will get {what}. Type **unsubscribe {words[1]}** to stop.");
        }

        if (existing is null)
        {
            return new TextReply($"This conversation doesn't get {what}.");
        }

        var before = ChangeSnapshots.Of(existing, await ConversationAsync(chat, cancellationToken));
        db.ChannelSubscriptions.Remove(existing);
        await changes.SaveAsync(new TaskActor(actor, chat.User.Platform),
            [new Change("subscription.deleted", AuditSubjects.ChannelSubscription, AuditSubjects.Id(existing.Id), before, null)], cancellationToken);
        return new TextReply($"Done: no more {what} here.");
    }

    private Task<ConversationReference?> ConversationAsync(ChatEvent chat, CancellationToken cancellationToken) =>
        db.ConversationReferences.AsNoTracking().SingleOrDefaultAsync(c => c.Id == chat.ConversationReferenceId, cancellationToken);
}
