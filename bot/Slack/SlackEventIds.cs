namespace ChatCompliance.Bot.Slack;

/// <summary>Event ids Slack already delivered, so its retries are handled once (kept for an hour).</summary>
internal sealed class SlackEventIds(TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Forgets an id whose event could not be decided, so Slack's retry is handled.</summary>
    public void Release(string eventId)
    {
        lock (_lock)
        {
            _seen.Remove(eventId);
        }
    }

    /// <summary>True the first time an id is seen.</summary>
    public bool TryClaim(string eventId)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_seen.Count > 10_000)
            {
                foreach (var old in _seen.Where(p => now - p.Value > TimeSpan.FromHours(1)).Select(p => p.Key).ToList())
                {
                    _seen.Remove(old);
                }
            }

            return _seen.TryAdd(eventId, now);
        }
    }
}
