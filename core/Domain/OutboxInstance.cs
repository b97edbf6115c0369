namespace ChatCompliance.Core.Domain;

/// <summary>
/// One instance's outbox dispatcher, and when its heartbeat last ran (PostgreSQL, where several instances share the
/// outbox). A live instance whose heartbeat is recent is making progress: its rows are its own to finish, however long
/// they wait behind a burst; another instance steps in only once that instance has died or stopped beating.
/// </summary>
public sealed class OutboxInstance
{
    /// <summary>The instance's name (the prefix of its claims).</summary>
    public required string Name { get; set; }

    public DateTimeOffset HeartbeatAt { get; set; }
}
