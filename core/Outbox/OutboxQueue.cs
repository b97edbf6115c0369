using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Outbox;

/// <summary>The thing a queued card shows, so that the sent message is remembered and later changes update it.</summary>
public sealed record CardSubject(string SubjectType, string SubjectId, CardAudience Audience);

/// <summary>
/// Queues outgoing cards in the outbox. Rows are added to the caller's context, so they are written in the same
/// transaction as the state change that causes them; the dispatcher sends each idempotency key once.
/// </summary>
public static class OutboxQueue
{
    /// <summary>The key suffix of a row addressed to a person whose Teams chat is opened by installing the app.</summary>
    private const string TeamsInstallSuffix = "teams-install";

    /// <summary>
    /// Queues <paramref name="card"/> for one conversation (as a new message, or replacing the posted message
    /// <paramref name="replacesMessageId"/>); false when the key was queued before (nothing is added).
    /// </summary>
    public static async Task<bool> EnqueueAsync(this ComplianceDbContext db, string idempotencyKey, string kind, Card card,
        ConversationReference conversation, DateTimeOffset now, CardSubject? subject = null, string? replacesMessageId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var row = NewRow(idempotencyKey, kind, card, conversation, now, subject);
        row.ReplacesMessageId = replacesMessageId;
        return await AddUnlessQueuedAsync(db, row, cancellationToken);
    }

    /// <summary>Whether this context already holds a row with the key, added and not yet saved.</summary>
    private static bool QueuedInContext(ComplianceDbContext db, string idempotencyKey)
    {
        // DbSet.Local first detects changes in every tracked entity: per card at a launch, 10,000 review items each time
        // (4 s for 200 reviewers). Outbox rows are only ever added directly, never through a navigation, so no scan is needed.
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return db.Outbox.Local.Any(o => o.IdempotencyKey == idempotencyKey);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    /// <summary>
    /// Queues <paramref name="card"/> for every personal conversation the person has with the bot (one row each, keyed
    /// <c>{key}:{conversation}</c>). A person with none yet but an Entra object id gets one row addressed to them (keyed
    /// <c>{key}:teams-install</c>): the dispatcher opens their Teams chat by installing the app for them first, or tells the
    /// leads once that they can't be reached. Returns how many rows reach the person (0: they can't be reached yet).
    /// </summary>
    public static Task<int> EnqueueForPersonAsync(this ComplianceDbContext db, string idempotencyKey, string kind, Card card,
        Guid personId, DateTimeOffset now, CardSubject? subject = null, CancellationToken cancellationToken = default) =>
        ForPersonAsync(db, idempotencyKey, kind, card, personId, now, subject, row => AddUnlessQueuedAsync(db, row, cancellationToken), cancellationToken);

    /// <summary>
    /// <see cref="EnqueueForPersonAsync"/> for a message that is its own decision (a reminder, an announcement, a digest):
    /// each row is written at once with <c>INSERT … ON CONFLICT DO NOTHING</c> on its key, so when two instances run the
    /// same fan-out at the same moment one stores each row and the other simply finds it there: no failed statement, no
    /// retry, nothing in the log. Returns how many rows this call stored.
    /// </summary>
    public static Task<int> QueueNowForPersonAsync(this ComplianceDbContext db, string idempotencyKey, string kind, Card card,
        Guid personId, DateTimeOffset now, CardSubject? subject = null, CancellationToken cancellationToken = default) =>
        ForPersonAsync(db, idempotencyKey, kind, card, personId, now, subject, row => InsertNowAsync(db, row, cancellationToken), cancellationToken, countStored: true);

    /// <summary><see cref="QueueNowForPersonAsync"/> for one conversation (a channel): true when this call stored the row.</summary>
    public static Task<bool> QueueNowAsync(this ComplianceDbContext db, string idempotencyKey, string kind, Card card,
        ConversationReference conversation, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        InsertNowAsync(db, NewRow(idempotencyKey, kind, card, conversation, now, null), cancellationToken);

    /// <summary>The kind of a reply in a conversation: an answer, a command's result, a card following a click.</summary>
    public const string ReplyKind = "reply";

    /// <summary>
    /// The key of the reply in a conversation to the platform's message <paramref name="inboundId"/> (a Teams activity id,
    /// a Slack event id). With <paramref name="once"/>, the same message delivered twice gets one reply (Slack's event
    /// ids are unique and its retries reuse them); otherwise every reply is its own, the message's id kept for tracing.
    /// </summary>
    public static string ReplyKey(Guid conversationReferenceId, string? inboundId, bool once)
    {
        var id = inboundId switch
        {
            null or "" => "",
            { Length: <= 120 } => inboundId,
            _ => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(inboundId)))[..32],
        };
        return once && id.Length > 0 ? $"{ReplyKind}:{conversationReferenceId:N}:{id}" : $"{ReplyKind}:{conversationReferenceId:N}:{id}:{Guid.NewGuid():N}";
    }

    /// <summary>
    /// Queues <paramref name="card"/> as a reply in the conversation (to the message <paramref name="replyToId"/> when
    /// given), written at once with <c>INSERT … ON CONFLICT DO NOTHING</c> on its key: the platform's retry of the same
    /// message queues nothing more. The request that asked is answered as soon as this returns; the dispatcher sends
    /// the reply at the platform's pace, after whatever the conversation already has queued. With
    /// <paramref name="claimedBy"/>, the row is written already claimed by (and being sent by) the instance that will send
    /// it next. Returns the stored row, or null when the key was queued before.
    /// </summary>
    public static async Task<OutboxMessage?> QueueReplyAsync(this ComplianceDbContext db, string idempotencyKey, Card card, Platform platform, Guid conversationReferenceId,
        string? replyToId, DateTimeOffset now, string? claimedBy = null, DateTimeOffset? claimedUntil = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var row = NewRow(idempotencyKey, ReplyKind, card, null, now, null);
        row.Platform = platform;
        row.ConversationReferenceId = conversationReferenceId;
        row.ReplyToId = replyToId;
        if (claimedBy is not null)
        {
            row.ClaimedBy = claimedBy;
            row.ClaimedUntil = claimedUntil;
            row.SendStartedAt = now;
        }

        using (await db.WriteTurnAsync(cancellationToken))
        {
            return await InsertNowAsync(db, row, cancellationToken) ? row : null;
        }
    }

    private static async Task<int> ForPersonAsync(ComplianceDbContext db, string idempotencyKey, string kind, Card card, Guid personId,
        DateTimeOffset now, CardSubject? subject, Func<OutboxMessage, Task<bool>> add, CancellationToken cancellationToken, bool countStored = false)
    {
        var conversations = ConversationDirectory.OnePerChat(await db.ConversationReferences.AsNoTracking()
            .Where(c => c.PersonId == personId && c.Scope == ConversationScope.Personal)
            .ToListAsync(cancellationToken));
        var stored = 0;
        foreach (var conversation in conversations)
        {
            stored += await add(NewRow($"{idempotencyKey}:{conversation.Id:N}", kind, card, conversation, now, subject)) ? 1 : 0;
        }

        if (conversations.Count > 0)
        {
            return countStored ? stored : conversations.Count;
        }

        return await ForTeamsInstallAsync(db, $"{idempotencyKey}:{TeamsInstallSuffix}", kind, card, personId, now, subject, add, cancellationToken) switch
        {
            null => 0,
            true => 1,
            false => countStored ? 0 : 1,
        };
    }

    /// <summary>
    /// Queues a row addressed to the person rather than a conversation, when they have an Entra object id: whether it
    /// was added, or null when they have none (nobody to install the app for).
    /// </summary>
    private static async Task<bool?> ForTeamsInstallAsync(ComplianceDbContext db, string idempotencyKey, string kind, Card card,
        Guid personId, DateTimeOffset now, CardSubject? subject, Func<OutboxMessage, Task<bool>> add, CancellationToken cancellationToken)
    {
        var hasEntraId = await db.People.AsNoTracking()
            .AnyAsync(p => p.Id == personId && p.IsActive && p.EntraObjectId != null && p.EntraObjectId != "", cancellationToken);
        if (!hasEntraId)
        {
            return null;
        }

        var row = NewRow(idempotencyKey, kind, card, null, now, subject);
        row.Platform = Platform.Teams;
        row.RecipientPersonId = personId;
        return await add(row);
    }

    /// <summary>Adds the row to the context unless its key is queued there or stored; true when added.</summary>
    private static async Task<bool> AddUnlessQueuedAsync(ComplianceDbContext db, OutboxMessage row, CancellationToken cancellationToken)
    {
        if (QueuedInContext(db, row.IdempotencyKey) || await db.Outbox.AnyAsync(o => o.IdempotencyKey == row.IdempotencyKey, cancellationToken))
        {
            return false;
        }

        db.Outbox.Add(row);
        return true;
    }

    private static Task<bool> InsertNowAsync(ComplianceDbContext db, OutboxMessage row, CancellationToken cancellationToken) =>
        db.InsertIfAbsentAsync(row, [nameof(OutboxMessage.IdempotencyKey)], cancellationToken);

    /// <summary>
    /// <see cref="EnqueueForPersonAsync"/> for many people at once (a campaign's reviewers): one query for all their
    /// personal conversations and one for the keys already queued, per 500 people, instead of two per person. Returns
    /// how many rows were queued.
    /// </summary>
    public static async Task<int> EnqueueForPeopleAsync(this ComplianceDbContext db, IReadOnlyList<PersonCard> cards, string kind, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var queued = 0;
        foreach (var chunk in cards.Chunk(500))
        {
            var people = chunk.Select(c => c.PersonId).Distinct().ToList();
            var conversations = ConversationDirectory.OnePerChat(await db.ConversationReferences.AsNoTracking()
                    .Where(c => c.PersonId != null && people.Contains(c.PersonId.Value) && c.Scope == ConversationScope.Personal)
                    .ToListAsync(cancellationToken))
                .ToLookup(c => c.PersonId!.Value);
            var rows = chunk.SelectMany(card => conversations[card.PersonId].Select(conversation => (Key: $"{card.IdempotencyKey}:{conversation.Id:N}", card.Card, Conversation: conversation))).ToList();
            var keys = rows.Select(r => r.Key).ToList();
            var existing = (await db.Outbox.Where(o => keys.Contains(o.IdempotencyKey)).Select(o => o.IdempotencyKey).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            foreach (var (key, card, conversation) in rows)
            {
                if (existing.Add(key) && !QueuedInContext(db, key))
                {
                    db.Outbox.Add(NewRow(key, kind, card, conversation, now, null));
                    queued++;
                }
            }

            // Someone who never opened the bot is reached by installing it for them (when they have an Entra id).
            foreach (var card in chunk.Where(c => !conversations.Contains(c.PersonId)))
            {
                queued += await ForTeamsInstallAsync(db, $"{card.IdempotencyKey}:{TeamsInstallSuffix}", kind, card.Card, card.PersonId, now, null,
                    row => AddUnlessQueuedAsync(db, row, cancellationToken), cancellationToken) == true ? 1 : 0;
            }
        }

        return queued;
    }

    private static OutboxMessage NewRow(string idempotencyKey, string kind, Card card, ConversationReference? conversation, DateTimeOffset now, CardSubject? subject) => new()
    {
        IdempotencyKey = idempotencyKey,
        Kind = kind,
        Platform = conversation?.Platform ?? Platform.System,
        ConversationReferenceId = conversation?.Id,
        Payload = CardJson.Serialize(card),
        NextAttemptAt = now,
        CreatedAt = now,
        SubjectType = subject?.SubjectType,
        SubjectId = subject?.SubjectId,
        Audience = subject?.Audience,
    };
}

/// <summary>A card for one person, queued under <paramref name="IdempotencyKey"/> for each of their personal conversations.</summary>
public sealed record PersonCard(string IdempotencyKey, Guid PersonId, Card Card);
