using System.Security.Cryptography;
using System.Text;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// The topic of a person's last answer in a thread, for a follow-up ("and for ISO?"). It is kept on the question log row
/// of that answer (the same rows <c>more</c> reads), so any app instance finds it; it is remembered for
/// <see cref="KnowledgeOptions.FollowUpWindow"/> and only by the same person in the same thread.
/// </summary>
internal sealed class TopicMemory(ComplianceDbContext db, QuestionWriter questions, IOptions<KnowledgeOptions> options, TimeProvider time)
{
    /// <summary>
    /// The key of one person's turns in one thread: a hash, so that the log keeps no platform ids, and fixed-size however
    /// long the platform's ids are. The parts are length-prefixed so that no two different parts make the same key.
    /// </summary>
    public static string KeyOf(ChatEvent chat)
    {
        var parts = new[] { chat.User.Platform.ToString(), chat.User.UserId, chat.ConversationReferenceId.ToString("N"), chat.Thread ?? "" };
        var joined = string.Concat(parts.Select(p => $"{p.Length}:{p}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }

    /// <summary>The topic of the latest turn with <paramref name="key"/> within the window; null when there is none or it had no topic.</summary>
    public async Task<ConversationTopic?> RecallAsync(string key, CancellationToken cancellationToken)
    {
        var window = options.Value.FollowUpWindow;
        if (window <= TimeSpan.Zero)
        {
            return null;
        }

        await questions.FlushAsync(); // the last turn may still be on its way to the database
        var since = time.GetUtcNow() - window;
        // Ids are version 7 GUIDs: their order is the order the questions were asked in.
        var stored = await db.Questions.AsNoTracking()
            .Where(q => q.FollowUpKey == key && q.AskedAt >= since)
            .OrderByDescending(q => q.Id)
            .Select(q => new { q.Topic })
            .FirstOrDefaultAsync(cancellationToken);
        return ConversationTopic.Parse(stored?.Topic);
    }
}
