namespace ChatCompliance.Integrations.Slack;

/// <summary>The person behind an interaction.</summary>
/// <param name="Id">Their Slack user id.</param>
/// <param name="Name">Their user name, when Slack sent it.</param>
public sealed record SlackActor(string Id, string? Name);
