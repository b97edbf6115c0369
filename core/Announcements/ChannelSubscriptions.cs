using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Announcements;

/// <summary>What became of a request to start or stop announcements in a conversation.</summary>
public enum SubscriptionResult
{
    /// <summary>Changed, with its audit trail entry.</summary>
    Done,

    /// <summary>Subscribing: the conversation already gets them. Nothing changed.</summary>
    AlreadySubscribed,

    /// <summary>Unsubscribing: the conversation does not get them. Nothing changed.</summary>
    NotSubscribed,

    /// <summary>Only a compliance lead chooses where announcements go. Nothing changed.</summary>
    NotAllowed,
}

/// <summary>Where the weekly digest and the audit announcements go: a compliance lead points them at a conversation.</summary>
public sealed class ChannelSubscriptions(ComplianceDbContext db, ChangeRecorder changes, TimeProvider time)
{
    public async Task<SubscriptionResult> SubscribeAsync(Guid conversationId, SubscriptionTopic topic, TaskActor actor, CancellationToken cancellationToken)
    {
        if (actor.Person is not { } lead || !MayChoose(actor))
        {
            return SubscriptionResult.NotAllowed;
        }

        if (await db.ChannelSubscriptions.AnyAsync(s => s.ConversationReferenceId == conversationId && s.Topic == topic, cancellationToken))
        {
            return SubscriptionResult.AlreadySubscribed;
        }

        var subscription = new ChannelSubscription { ConversationReferenceId = conversationId, Topic = topic, SubscribedById = lead.Id, CreatedAt = time.GetUtcNow() };
        db.ChannelSubscriptions.Add(subscription);
        try
        {
            await changes.SaveAsync(actor, [new Change("subscription.created", AuditSubjects.ChannelSubscription,
                AuditSubjects.Id(subscription.Id), null, ChangeSnapshots.Of(subscription, await ConversationAsync(conversationId, cancellationToken)))], cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return SubscriptionResult.AlreadySubscribed; // a double click raced us: the unique index kept one
        }

        return SubscriptionResult.Done;
    }

    public async Task<SubscriptionResult> UnsubscribeAsync(Guid conversationId, SubscriptionTopic topic, TaskActor actor, CancellationToken cancellationToken)
    {
        if (!MayChoose(actor))
        {
            return SubscriptionResult.NotAllowed;
        }

        var existing = await db.ChannelSubscriptions.SingleOrDefaultAsync(s => s.ConversationReferenceId == conversationId && s.Topic == topic, cancellationToken);
        if (existing is null)
        {
            return SubscriptionResult.NotSubscribed;
        }

        var before = ChangeSnapshots.Of(existing, await ConversationAsync(conversationId, cancellationToken));
        db.ChannelSubscriptions.Remove(existing);
        await changes.SaveAsync(actor, [new Change("subscription.deleted", AuditSubjects.ChannelSubscription, AuditSubjects.Id(existing.Id), before, null)], cancellationToken);
        return SubscriptionResult.Done;
    }

    private static bool MayChoose(TaskActor actor) => actor.Person is { IsActive: true } person && person.Has(PersonRoles.ComplianceLead);

    private Task<ConversationReference?> ConversationAsync(Guid conversationId, CancellationToken cancellationToken) =>
        db.ConversationReferences.AsNoTracking().SingleOrDefaultAsync(c => c.Id == conversationId, cancellationToken);
}
