namespace ChatCompliance.Integrations.Slack;

/// <summary>An Events API request body, read and checked by <see cref="SlackInbound.TryReadEnvelope"/>.</summary>
/// <param name="Type"><c>url_verification</c>, <c>event_callback</c>, or another type Slack may add.</param>
/// <param name="Origin">The workspace and app the envelope names.</param>
/// <param name="EventId">The event's id (always present on an <c>event_callback</c>): Slack's retries carry the same id.</param>
/// <param name="Challenge">The text to echo back on <c>url_verification</c>.</param>
/// <param name="Event">The event itself (always present on an <c>event_callback</c>).</param>
public sealed record SlackEventEnvelope(string Type, SlackOrigin Origin, string? EventId, string? Challenge, SlackEvent? Event)
{
    /// <summary>An event to handle: an <c>event_callback</c>, with its id and event.</summary>
    public bool IsCallback => Type == "event_callback" && EventId is not null && Event is not null;
}
