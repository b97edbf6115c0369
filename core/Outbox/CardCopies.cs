using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Outbox;

/// <summary>
/// Card updates through the outbox. After a change, every posted copy of a card about its subject (remembered as a
/// <see cref="CardMessage"/> when sent) is queued for replacement in the change's own transaction, so that a crash
/// or a 429 between the decision and the update loses nothing: the dispatcher sends it, retries it, and after a crash
/// sends it again (a replacement sent twice shows the same card).
/// </summary>
public static class CardCopies
{
    /// <summary>
    /// Queues the replacement of every posted copy of the subject's card but <paramref name="except"/> (the clicked copy,
    /// which the platform's response replaces), each rendered for its audience; returns how many were queued. Keyed by
    /// <paramref name="change"/> (the subject's new version), so a retried change queues nothing twice.
    /// </summary>
    public static async Task<int> QueueUpdatesAsync(ComplianceDbContext db, string subjectType, string subjectId, string change,
        Func<CardAudience, Card> render, DateTimeOffset now, PostedCard? except = null, CancellationToken cancellationToken = default)
    {
        var copies = await db.CardMessages.Include(m => m.Conversation).AsNoTracking()
            .Where(m => m.SubjectType == subjectType && m.SubjectId == subjectId)
            .ToListAsync(cancellationToken);
        var queued = 0;
        // A message id is unique only within its conversation (Teams activity id, Slack ts): the clicked copy is both.
        foreach (var copy in copies.Where(c => c.Conversation is not null && !(except is { } e && e.ConversationReferenceId == c.ConversationReferenceId && e.MessageId == c.MessageId)))
        {
            if (await QueueReplacementAsync(db, $"{subjectType}:{subjectId}:{change}:copy:{copy.Id:N}", $"{subjectType}.update".ToLowerInvariant(),
                    render(copy.Audience), copy.Conversation!, copy.MessageId, now, cancellationToken))
            {
                queued++;
            }
        }

        return queued;
    }

    /// <summary>
    /// Queues <paramref name="card"/> to replace the posted message <paramref name="messageId"/>. Replacements of the same
    /// message still waiting (not yet being sent) are dropped: only the newest card matters. False when the key was queued before.
    /// </summary>
    public static async Task<bool> QueueReplacementAsync(ComplianceDbContext db, string idempotencyKey, string kind, Card card,
        ConversationReference conversation, string messageId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        if (await db.Outbox.AnyAsync(o => o.IdempotencyKey == idempotencyKey, cancellationToken))
        {
            return false;
        }

        // In the caller's transaction when there is one: the drop and the new row commit together.
        await db.Outbox.Where(o => o.ConversationReferenceId == conversation.Id && o.ReplacesMessageId == messageId
                && o.SentAt == null && o.DeadLetteredAt == null && o.ClaimedBy == null)
            .ExecuteDeleteAsync(cancellationToken);
        return await db.EnqueueAsync(idempotencyKey, kind, card, conversation, now, cancellationToken: cancellationToken, replacesMessageId: messageId);
    }

    /// <summary>
    /// Remembers a message someone acted on as a copy of the subject's card (once), so that later changes update it too:
    /// a card opened from a list or a form is one the outbox did not post.
    /// </summary>
    public static async Task RememberAsync(ComplianceDbContext db, string subjectType, string subjectId, Guid conversationReferenceId, string? messageId,
        CardAudience audience, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (messageId is null
            || await db.CardMessages.AnyAsync(m => m.SubjectType == subjectType && m.SubjectId == subjectId
                && m.ConversationReferenceId == conversationReferenceId && m.MessageId == messageId, cancellationToken))
        {
            return;
        }

        db.CardMessages.Add(new CardMessage
        {
            SubjectType = subjectType,
            SubjectId = subjectId,
            ConversationReferenceId = conversationReferenceId,
            MessageId = messageId,
            Audience = audience,
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>A message the bot posted: its conversation and the platform's id for it.</summary>
public readonly record struct PostedCard(Guid ConversationReferenceId, string MessageId);
