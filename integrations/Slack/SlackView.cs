namespace ChatCompliance.Integrations.Slack;

/// <summary>A modal or App Home view Slack opened or published.</summary>
public sealed record SlackView(string Id, string? Hash);
