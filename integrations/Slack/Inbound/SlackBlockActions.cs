namespace ChatCompliance.Integrations.Slack;

/// <summary>A click on a message's button (<c>block_actions</c>).</summary>
/// <param name="Origin">The workspace and app it names.</param>
/// <param name="User">Who clicked.</param>
/// <param name="Channel">The message's channel (<c>channel.id</c>, else <c>container.channel_id</c>).</param>
/// <param name="MessageTs">The clicked message (<c>message.ts</c>, else <c>container.message_ts</c>); null when Slack sent neither.</param>
/// <param name="IsEphemeral">The message is ephemeral: it can only be replaced through <paramref name="ResponseUrl"/>.</param>
/// <param name="ResponseUrl">Where the message can be replaced, when Slack sent it.</param>
/// <param name="Action">The first (in practice the only) element acted on.</param>
/// <param name="Inputs">The message's inputs' values, by block id.</param>
public sealed record SlackBlockActions(SlackOrigin Origin, SlackActor User, string Channel, string? MessageTs, bool IsEphemeral, string? ResponseUrl,
    SlackAction Action, IReadOnlyDictionary<string, string> Inputs)
    : SlackInteraction("block_actions", Origin, User);
