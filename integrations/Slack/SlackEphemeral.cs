namespace ChatCompliance.Integrations.Slack;

/// <summary>An ephemeral message Slack showed to one user; <see cref="MessageTs"/> cannot be updated or deleted.</summary>
public sealed record SlackEphemeral(string MessageTs);
