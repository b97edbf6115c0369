namespace ChatCompliance.Jobs.Outbox;

/// <summary>A limit of <see cref="Count"/> sends in any <see cref="Window"/>.</summary>
internal sealed record PacingLimit(int Count, TimeSpan Window);

/// <summary>Something sends are counted against (a conversation, a tenant), with its limits.</summary>
internal sealed record PacingKey(string Name, IReadOnlyList<PacingLimit> Limits);

/// <summary>
/// Exact sliding windows: each key remembers the times of its last sends (as many as its largest limit), and a send
/// gets the earliest time at which, for every limit, the send that many places back is a whole window old. Sends
/// to one key are reserved in time order, so a burst queues at exactly the limits instead of drawing 429s, and a
/// conversation at its limit does not hold up its tenant (keys are waited for one after another). Per instance: it
/// paces conversations (and, on SQLite's single process, the tenant); on PostgreSQL the tenant's budget is shared by
/// every instance (<see cref="SharedRateBudget"/>).
/// It runs on the real clock: it paces calls to real servers.
/// </summary>
internal sealed class OutboxPacer(TimeProvider clock)
{
    private const int EvictAbove = 20_000;

    private readonly Dictionary<string, SendLog> _logs = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Waits for a slot in every key, in order.</summary>
    public async Task WaitAsync(IReadOnlyList<PacingKey> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
        {
            var at = Reserve(key);
            var wait = at - clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Waits for a slot in <paramref name="key"/> if one is free by <paramref name="notAfter"/>; otherwise reserves
    /// nothing and returns the time the slot would be, so the caller can put the message back until then.
    /// </summary>
    public async Task<DateTimeOffset?> WaitAsync(PacingKey key, DateTimeOffset notAfter, CancellationToken cancellationToken)
    {
        var at = Reserve(key, notAfter);
        if (at > notAfter)
        {
            return at;
        }

        var wait = at - clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }

        return null;
    }

    /// <summary>Sends no more to <paramref name="key"/> before <paramref name="until"/> (the platform said 429, Retry-After).</summary>
    public void Hold(PacingKey key, DateTimeOffset until)
    {
        lock (_lock)
        {
            var log = LogOf(key);
            if (until > log.NotBefore)
            {
                log.NotBefore = until;
            }
        }
    }

    /// <summary>Reserves the earliest slot; none when it is after <paramref name="notAfter"/> (its time is returned all the same).</summary>
    internal DateTimeOffset Reserve(PacingKey key, DateTimeOffset? notAfter = null)
    {
        lock (_lock)
        {
            var log = LogOf(key);
            var at = clock.GetUtcNow();
            if (log.NotBefore > at)
            {
                at = log.NotBefore;
            }

            foreach (var limit in key.Limits)
            {
                if (log.Count >= limit.Count && log.Back(limit.Count) + limit.Window is var free && free > at)
                {
                    at = free;
                }
            }

            if (at <= notAfter || notAfter is null)
            {
                log.Add(at);
            }

            return at;
        }
    }

    private SendLog LogOf(PacingKey key)
    {
        if (!_logs.TryGetValue(key.Name, out var log))
        {
            if (_logs.Count >= EvictAbove)
            {
                Evict();
            }

            log = new SendLog(key.Limits.Max(l => l.Count), key.Limits.Max(l => l.Window));
            _logs[key.Name] = log;
        }

        return log;
    }

    /// <summary>Forgets keys whose last send is older than their longest window: they would allow a full burst anyway.</summary>
    private void Evict()
    {
        var now = clock.GetUtcNow();
        foreach (var (name, log) in _logs.ToList())
        {
            if (log.Count == 0 || (log.Back(1) + log.LongestWindow < now && log.NotBefore < now))
            {
                _logs.Remove(name);
            }
        }
    }

    /// <summary>The last sends' times, oldest overwritten first.</summary>
    private sealed class SendLog(int capacity, TimeSpan longestWindow)
    {
        private readonly DateTimeOffset[] _times = new DateTimeOffset[capacity];
        private int _next;

        public int Count { get; private set; }

        public TimeSpan LongestWindow { get; } = longestWindow;

        public DateTimeOffset NotBefore { get; set; }

        public void Add(DateTimeOffset at)
        {
            _times[_next] = at;
            _next = (_next + 1) % _times.Length;
            Count = Math.Min(Count + 1, _times.Length);
        }

        /// <summary>The <paramref name="n"/>-th most recent send (1: the last one).</summary>
        public DateTimeOffset Back(int n) => _times[((_next - n) % _times.Length + _times.Length) % _times.Length];
    }
}
