using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Conversation;

/// <summary>How many questions (per instance) and hand-offs (across instances) one person may make; 0 turns a limit off.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Questions one person may ask per minute.</summary>
    [Range(0, 100_000)]
    public int QuestionsPerMinute { get; set; } = 30;

    /// <summary>Questions one person may pass to the compliance team per hour, counted in the store (see <see cref="Core.Questions.QuestionHandOffs"/>).</summary>
    [Range(0, 10_000)]
    public int HandOffsPerHour { get; set; } = 5;
}

/// <summary>
/// Per-person sliding windows on questions, keyed by the resolved person (or, for someone not in the register, their
/// platform user id). Kept in memory per instance, because a question is answered faster than the store could count it:
/// N instances allow up to N times the limit. Hand-offs, which are rare and change the store anyway, are counted there.
/// </summary>
internal sealed class AskingLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _questions;

    public AskingLimits(IOptions<RateLimitOptions> options)
    {
        _questions = Create(options.Value.QuestionsPerMinute, TimeSpan.FromMinutes(1));
    }

    /// <summary>True when the person may ask another question now (and counts it).</summary>
    public bool TryAsk(string person) => TryAcquire(_questions, person);

    /// <summary>The key of a chat user: their person id when known, otherwise platform and user id.</summary>
    public static string KeyOf(ChatUser user, Guid? person) => person is { } id ? id.ToString("N") : $"{user.Platform}:{user.UserId}";

    public void Dispose()
    {
        _questions?.Dispose();
    }

    private static bool TryAcquire(PartitionedRateLimiter<string>? limiter, string key)
    {
        if (limiter is null)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired;
    }

    private static PartitionedRateLimiter<string>? Create(int permits, TimeSpan window) => permits <= 0 ? null :
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            SegmentsPerWindow = 6,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
}
