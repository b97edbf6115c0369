namespace ChatCompliance.Core.Outbox;

/// <summary>
/// A wake-up call a loop can wait for without cancelling anything: every <see cref="Set"/> moves <see cref="Count"/> on,
/// and <see cref="After"/> completes once it has moved past the count the loop last saw. A loop that woke for another
/// reason loses no call (it compares counts), and giving up a wait throws nothing: under load the loop wakes once per
/// reply, and a cancelled <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/> threw an exception each time.
/// </summary>
public sealed class WakeUp
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _next = New();
    private long _count;

    /// <summary>How many calls there have been.</summary>
    public long Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    public void Set()
    {
        TaskCompletionSource called;
        lock (_lock)
        {
            _count++;
            called = _next;
            _next = New();
        }

        called.TrySetResult();
    }

    /// <summary>Completes at the first call after the <paramref name="seen"/>th (at once if there has been one).</summary>
    public Task After(long seen)
    {
        lock (_lock)
        {
            return _count != seen ? Task.CompletedTask : _next.Task;
        }
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
