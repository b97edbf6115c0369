using System.Collections.Concurrent;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Jobs.Heartbeat;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>
/// The short way out for a message this instance has just stored (a reply): the row is written already claimed by this
/// instance and marked as being sent (<see cref="Claim"/>), then handed to this instance's dispatcher with its card
/// (<see cref="Send"/>), which paces, sends and records it like any other row but without claiming it, reading its JSON
/// back or fencing it: one write per message instead of three. A row written so is what a crash leaves "in doubt", and
/// its kind's policy applies (replies are sent again); a graceful stop releases what it had not sent yet to any instance.
/// With the dispatcher loop off (<c>Outbox:Enabled</c> false) rows are written unclaimed, for whichever instance sends.
/// </summary>
public sealed class OutboxHandOff
{
    private readonly ConcurrentQueue<(OutboxMessage Row, Card Card)> _rows = new();
    private readonly OutboxOptions _options;
    private readonly string _instance;

    internal OutboxHandOff(IOptions<OutboxOptions> options, JobServerIdentity identity)
    {
        _options = options.Value;
        _instance = identity.Name;
    }

    /// <summary>
    /// The claim to write a new row with (<c>ClaimedBy</c>, <c>ClaimedUntil</c>, <c>SendStartedAt</c>: this instance is
    /// sending it), or null when this instance does not send (then the row is written unclaimed).
    /// </summary>
    public OutboxClaim? Claim(DateTimeOffset now) =>
        _options.Enabled ? new OutboxClaim($"{_instance}:{Guid.NewGuid():N}{OutboxDispatcher.SendingSuffix}", now + _options.ClaimDuration, now) : null;

    /// <summary>Call after committing <paramref name="row"/>, written with a <see cref="Claim"/>: this instance's dispatcher sends it next.</summary>
    public void Send(OutboxMessage row, Card card)
    {
        _rows.Enqueue((row, card));
        Handed.Set();
    }

    internal bool TryTake(out (OutboxMessage Row, Card Card) handed) => _rows.TryDequeue(out handed);

    /// <summary>Rows handed over so far: a hand-over wakes the dispatcher without making it look for due rows.</summary>
    internal WakeUp Handed { get; } = new();
}

/// <summary>A claim written with a new row: its owner and lease, and when its send counts as started.</summary>
public sealed record OutboxClaim(string ClaimedBy, DateTimeOffset ClaimedUntil, DateTimeOffset SendStartedAt);
