namespace ChatCompliance.Core.Outbox;

/// <summary>Wakes this instance's dispatcher loop at once (after a commit that queued messages) instead of at its next poll.</summary>
public sealed class OutboxSignal
{
    /// <summary>The nudges so far: the dispatcher waits for the next one with <see cref="WakeUp.After"/>.</summary>
    public WakeUp Nudges { get; } = new();

    /// <summary>Call after committing outbox rows.</summary>
    public void Nudge() => Nudges.Set();
}
