using System.Text.Json.Nodes;

namespace ChatCompliance.Integrations.Slack.Blocks;

/// <summary>A rendered Slack message: the Block Kit <c>blocks</c> and the plain-text <c>text</c> Slack shows in notifications.</summary>
/// <param name="Blocks">The Block Kit blocks, within Slack's per-message limits.</param>
/// <param name="Text">The fallback text (mrkdwn, never empty) that <c>chat.postMessage</c> needs alongside blocks.</param>
public sealed record BlockKitMessage(JsonArray Blocks, string Text);
