namespace ChatCompliance.Integrations.Slack;

/// <summary>A workspace member as <c>users.info</c> and <c>users.lookupByEmail</c> return them (the fields we use).</summary>
public sealed record SlackUser(string Id, string? TeamId, string? Name, string? RealName, string? Email, bool IsBot, bool Deleted);
