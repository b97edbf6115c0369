namespace ChatCompliance.Core.Outbox;

/// <summary>Wakes this instance's dispatcher loop at once (after a commit that queued messages) instead of at its next poll.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _nudged = new(0, 1);

    /// <summary>Call after committing outbox rows.</summary>
    public void Nudge()
    {
        try
        {
            _nudged.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already nudged and not yet woken: one wake-up is enough.
        }
    }

    public void Dispose() => _nudged.Dispose();

    /// <summary>True when nudged before <paramref name="timeout"/> passed.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _nudged.WaitAsync(timeout, cancellationToken);
}
