using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>Whom a connector request counts against: its conversation and its tenant (either may be unknown).</summary>
internal sealed record ConnectorTarget(string? ConversationId, string? TenantId)
{
    public static readonly HttpRequestOptionsKey<ConnectorTarget> Key = new("ChatCompliance.Teams.ConnectorTarget");
}

/// <summary>
/// Teams' per-conversation (1 s, 2 s and 30 s windows) and per-tenant (1 s) limits, so a burst queues
/// (oldest first) instead of drawing 429s. The sliding windows are longer than Teams' own (see <see cref="SegmentFor"/>),
/// so a permit comes back no sooner than a full Teams window after it was taken.
/// </summary>
internal sealed class BotConnectorRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<HttpRequestMessage>[] _windows;
    private readonly PartitionedRateLimiter<HttpRequestMessage> _chain;

    public BotConnectorRateLimiter(IOptions<BotConnectorOptions> options)
    {
        var o = options.Value;
        // Longest conversation window first and the tenant last: a permit taken early and held while
        // waiting on a later limiter is the one that can be spent late, and the short windows wait least.
        _windows =
        [
            Window(t => t.ConversationId, o.ConversationPerThirtySeconds, TimeSpan.FromSeconds(30), o.RateLimitQueueLimit),
            Window(t => t.ConversationId, o.ConversationPerTwoSeconds, TimeSpan.FromSeconds(2), o.RateLimitQueueLimit),
            Window(t => t.ConversationId, o.ConversationPerSecond, TimeSpan.FromSeconds(1), o.RateLimitQueueLimit),
            Window(t => t.TenantId, o.TenantPerSecond, TimeSpan.FromSeconds(1), o.RateLimitQueueLimit),
        ];
        _chain = PartitionedRateLimiter.CreateChained(_windows);
    }

    /// <summary>Waits (queued, oldest first) for a permit in every window the request falls in.</summary>
    public ValueTask<RateLimitLease> AcquireAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _chain.AcquireAsync(request, 1, cancellationToken);

    public void Dispose()
    {
        _chain.Dispose();
        foreach (var window in _windows)
        {
            window.Dispose();
        }
    }

    private static PartitionedRateLimiter<HttpRequestMessage> Window(Func<ConnectorTarget, string?> keyOf, int permits, TimeSpan window, int queueLimit)
    {
        var segment = SegmentFor(window);
        var segments = (int)Math.Ceiling(window / segment) + 1;
        var options = new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = segment * segments,
            SegmentsPerWindow = segments,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            // The partitioned limiter's own 100 ms heartbeat replenishes every partition; a timer per
            // conversation (thousands of them) would cost more than the sends they pace.
            AutoReplenishment = false,
        };

        return PartitionedRateLimiter.Create<HttpRequestMessage, string>(request =>
        {
            var key = request.Options.TryGetValue(ConnectorTarget.Key, out var target) ? keyOf(target) : null;
            return string.IsNullOrEmpty(key)
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetSlidingWindowLimiter(key, _ => options);
        });
    }

    /// <summary>
    /// About a tenth of the window. The partitioned limiter slides its windows on a 100 ms heartbeat, one segment at a
    /// time and never sooner than a segment after the last slide; a segment a little shorter than a whole number of
    /// heartbeats still slides on time when a heartbeat runs late. Slides being at least a segment apart, a permit
    /// comes back no sooner than (segments - 1) segments, which is at least the Teams window.
    /// </summary>
    internal static TimeSpan SegmentFor(TimeSpan window)
    {
        var heartbeat = TimeSpan.FromMilliseconds(100);
        var heartbeats = Math.Max(1, (int)Math.Round(window / 10 / heartbeat));
        return (heartbeats * heartbeat) - TimeSpan.FromMilliseconds(20);
    }
}
