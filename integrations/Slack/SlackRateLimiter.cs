using System.Collections.Frozen;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// Slack's limits as queues (oldest first) rather than 429s: <c>chat.postMessage</c> about one per second per
/// channel, every other method its tier's calls per minute (see <see cref="Tiers"/>). One partitioned limiter,
/// keyed by method (and channel for <c>chat.postMessage</c>), whose heartbeat replenishes every partition.
/// </summary>
internal sealed class SlackRateLimiter : IDisposable
{
    internal const string PostMessage = "chat.postMessage";

    /// <summary>Tier 2 (20 per minute) for any method not in <see cref="Tiers"/>.</summary>
    internal const int UnlistedPerMinute = 20;

    /// <summary>Calls per minute per workspace (Slack's tiers: 2 = 20, 3 = 50, 4 = 100), from each method's reference page.</summary>
    internal static readonly FrozenDictionary<string, int> Tiers = new Dictionary<string, int>
    {
        ["chat.update"] = 50,
        ["chat.postEphemeral"] = 100,
        ["views.open"] = 100,
        ["views.publish"] = 100,
        ["conversations.open"] = 50,
        ["conversations.history"] = 50,
        ["users.lookupByEmail"] = 50,
        ["users.info"] = 100,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // The partitioned limiter's heartbeat is 100 ms; a slide never comes sooner than a segment after the last one.
    private static readonly TimeSpan MinuteSegment = TimeSpan.FromMilliseconds(5980);
    private const int MinuteSegments = 12;

    private readonly PartitionedRateLimiter<HttpRequestMessage> _limiter;

    public SlackRateLimiter(IOptions<SlackOptions> options)
    {
        var o = options.Value;
        var perChannel = new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = o.PostMessageInterval,
            QueueLimit = o.RateLimitQueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            // The partitioned limiter's own heartbeat replenishes; a timer per channel would cost more than the posts.
            AutoReplenishment = false,
        };

        _limiter = PartitionedRateLimiter.Create<HttpRequestMessage, string>(request =>
        {
            if (!request.Options.TryGetValue(SlackCall.Key, out var call))
            {
                return RateLimitPartition.GetNoLimiter("");
            }

            if (call.Method == PostMessage)
            {
                return string.IsNullOrEmpty(call.Channel)
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetTokenBucketLimiter(PostMessage + "|" + call.Channel, _ => perChannel);
            }

            var perMinute = Tiers.GetValueOrDefault(call.Method, UnlistedPerMinute);
            return RateLimitPartition.GetSlidingWindowLimiter(call.Method, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = MinuteSegment * MinuteSegments,
                SegmentsPerWindow = MinuteSegments,
                QueueLimit = o.RateLimitQueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = false,
            });
        });
    }

    /// <summary>Waits (queued, oldest first) for the request's permit.</summary>
    public ValueTask<RateLimitLease> AcquireAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _limiter.AcquireAsync(request, 1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
