namespace ChatCompliance.Integrations.Slack;

/// <summary>A slash command's form, read and checked by <see cref="SlackInbound.TryReadCommand"/>.</summary>
/// <param name="Origin">The workspace and app the form names.</param>
/// <param name="ChannelId">Where the command was typed.</param>
/// <param name="UserId">Who typed it.</param>
/// <param name="Text">What followed the command (empty when nothing did).</param>
public sealed record SlackCommand(SlackOrigin Origin, string ChannelId, string UserId, string Text);
