using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// What this instance last stored for a conversation and who a chat user is, so that the many messages that
/// change nothing cost no database round trip. Entries live minutes at most: a person added or a conversation
/// changed elsewhere (another instance, the admin API) is picked up by then. Decisions that grant or refuse
/// something never read from here; they read the database.
/// </summary>
internal sealed class KnownConversations(TimeProvider time) : IDisposable
{
    private static readonly TimeSpan ConversationLifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan UnlinkedLifetime = TimeSpan.FromMinutes(2);

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 200_000, Clock = new Clock(time) });

    /// <summary>The stored reference's id when what this instance stored for the conversation has the same <paramref name="fingerprint"/>.</summary>
    public Guid? Find(Platform platform, string conversationId, string fingerprint) =>
        _cache.TryGetValue((platform, conversationId), out Known? known) && known!.Fingerprint == fingerprint ? known.Id : null;

    public void Remember(Platform platform, string conversationId, string fingerprint, Guid id, bool linked) =>
        _cache.Set((platform, conversationId), new Known(id, fingerprint), new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = linked ? ConversationLifetime : UnlinkedLifetime,
        });

    public void Forget(Platform platform, string conversationId) => _cache.Remove((platform, conversationId));

    /// <summary>The person a chat user was found to be (or null for nobody) within the last minutes, for recording who asked.</summary>
    public bool TryFindPerson(ChatUser user, out Guid? personId)
    {
        var found = _cache.TryGetValue((user.Platform, "person", user.UserId, user.DirectoryId), out PersonLookup? lookup);
        personId = lookup?.PersonId;
        return found;
    }

    /// <summary>True when, within the last minutes, the platform itself confirmed who the chat user is (see <see cref="RememberPerson"/>).</summary>
    public bool IsConfirmed(ChatUser user) =>
        _cache.TryGetValue((user.Platform, "person", user.UserId, user.DirectoryId), out PersonLookup? lookup) && lookup!.Confirmed;

    /// <summary>
    /// Remembers who a chat user is: <paramref name="confirmed"/> when the platform said so (Slack's users.info), not when
    /// the store merely had no link for them yet, which a later command must still confirm.
    /// </summary>
    public void RememberPerson(ChatUser user, Guid? personId, bool confirmed = false) =>
        _cache.Set((user.Platform, "person", user.UserId, user.DirectoryId), new PersonLookup(personId, confirmed), new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = personId is null ? UnlinkedLifetime : ConversationLifetime,
        });

    public void Dispose() => _cache.Dispose();

    private sealed record Known(Guid Id, string Fingerprint);

    private sealed record PersonLookup(Guid? PersonId, bool Confirmed);

    private sealed class Clock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
