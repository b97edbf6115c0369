namespace ChatCompliance.Integrations.Slack;

/// <summary>Message metadata (<c>metadata: {event_type, event_payload}</c>): read back by <c>conversations.history</c> with <c>include_all_metadata</c>.</summary>
/// <param name="EventType">What the metadata describes, e.g. <c>chatcompliance_outbox</c>.</param>
/// <param name="Payload">String fields of <c>event_payload</c>.</param>
public sealed record SlackMetadata(string EventType, IReadOnlyDictionary<string, string> Payload);
