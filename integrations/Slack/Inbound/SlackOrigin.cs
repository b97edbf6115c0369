namespace ChatCompliance.Integrations.Slack;

/// <summary>What a signed Slack request says about where it comes from: its workspace and its app.</summary>
/// <param name="TeamId">The workspace (<c>team_id</c>, <c>team.id</c>); null when the payload has none.</param>
/// <param name="AppId">The app (<c>api_app_id</c>); null when the payload has none.</param>
public sealed record SlackOrigin(string? TeamId, string? AppId);
