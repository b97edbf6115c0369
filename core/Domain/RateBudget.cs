namespace ChatCompliance.Core.Domain;

/// <summary>
/// A platform rate limit shared by every instance (a Teams conversation or tenant, a Slack channel or workspace): the earliest moment the next
/// send may start, on the database's clock. Each send takes the next slot atomically, so N instances together keep to
/// the limit one instance would.
/// </summary>
public sealed class RateBudget
{
    /// <summary>What is counted against, e.g. <c>teams|tenant|{id}</c>, <c>teams|conversation|{id}</c>, <c>slack|chat.postMessage|channel|{id}</c>.</summary>
    public required string Key { get; set; }

    /// <summary>When the next send may start.</summary>
    public DateTimeOffset NextAt { get; set; }
}
