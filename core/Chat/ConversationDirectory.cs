using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Chat;

/// <summary>
/// Who is reachable where: one row per platform conversation, found or created here by every path that learns of one
/// (a Teams activity, a Slack event, a personal chat opened through Graph). A new conversation is created with one
/// <c>INSERT … ON CONFLICT DO NOTHING</c>, so concurrent first messages in it make exactly one row, and none of them
/// fails or logs an error for having lost the race.
/// </summary>
public sealed class ConversationDirectory(ComplianceDbContext db, TimeProvider time)
{
    private static readonly string[] Key = [nameof(ConversationReference.Platform), nameof(ConversationReference.ConversationId)];

    /// <summary>The conversation's row, tracked for the caller to change and save; created first, with what is given, when new.</summary>
    public async Task<ConversationReference> FindOrAddAsync(Platform platform, string conversationId, ConversationScope scope, string? tenantId, CancellationToken cancellationToken) =>
        await FindAsync(platform, conversationId, cancellationToken)
        ?? await AddAsync(new ConversationReference { Platform = platform, ConversationId = conversationId, Scope = scope, TenantId = tenantId, UpdatedAt = time.GetUtcNow() }, cancellationToken);

    /// <summary>
    /// Stores <paramref name="candidate"/> unless its conversation is known, then returns the stored row, untracked: the
    /// candidate when it was new, otherwise whatever was stored first (by this call's competitor or long before).
    /// </summary>
    public async Task<ConversationReference> AddIfAbsentAsync(ConversationReference candidate, CancellationToken cancellationToken)
    {
        await db.InsertIfAbsentAsync(candidate, Key, cancellationToken);
        return await db.ConversationReferences.AsNoTracking()
            .SingleAsync(c => c.Platform == candidate.Platform && c.ConversationId == candidate.ConversationId, cancellationToken);
    }

    /// <summary>
    /// The conversations that reach each person, one per platform and workspace: a person's 1:1 chat with the bot can be
    /// stored twice on Teams (<c>19:…@unq.gbl.spaces</c> when the app was installed for them through Graph, <c>a:…</c> once
    /// they write to the bot), and both ids reach the same chat; sending to both would show every card twice. The one
    /// updated last is kept. Only personal conversations with a person are given.
    /// </summary>
    public static List<ConversationReference> OnePerChat(IEnumerable<ConversationReference> conversations) =>
        [.. conversations
            .Where(c => c.PersonId is not null && c.Scope == ConversationScope.Personal)
            .GroupBy(c => (c.PersonId, c.Platform, c.TenantId))
            .Select(g => g.OrderByDescending(c => c.UpdatedAt).ThenBy(c => c.ConversationId, StringComparer.Ordinal).First())];

    private Task<ConversationReference?> FindAsync(Platform platform, string conversationId, CancellationToken cancellationToken) =>
        db.ConversationReferences.SingleOrDefaultAsync(c => c.Platform == platform && c.ConversationId == conversationId, cancellationToken);

    private async Task<ConversationReference> AddAsync(ConversationReference candidate, CancellationToken cancellationToken)
    {
        await db.InsertIfAbsentAsync(candidate, Key, cancellationToken);
        return await FindAsync(candidate.Platform, candidate.ConversationId, cancellationToken)
            ?? throw new InvalidOperationException($"Conversation {candidate.ConversationId} was neither stored nor found.");
    }
}
