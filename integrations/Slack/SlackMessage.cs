namespace ChatCompliance.Integrations.Slack;

/// <summary>A message Slack posted or updated: its channel and timestamp (the message's id within the channel).</summary>
public sealed record SlackMessage(string Channel, string Ts);
