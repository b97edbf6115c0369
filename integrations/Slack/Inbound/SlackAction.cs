namespace ChatCompliance.Integrations.Slack;

/// <summary>One element acted on (a button): its <c>action_id</c> and the <c>value</c> it carries.</summary>
public sealed record SlackAction(string ActionId, string? Value);
