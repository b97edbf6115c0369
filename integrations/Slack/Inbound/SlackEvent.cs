namespace ChatCompliance.Integrations.Slack;

/// <summary>One event of an <c>event_callback</c>: a message, a mention, the App Home being opened.</summary>
/// <param name="Type"><c>message</c>, <c>app_mention</c>, <c>app_home_opened</c>, …</param>
/// <param name="User">Who caused it.</param>
/// <param name="Channel">Where it happened.</param>
/// <param name="ChannelType"><c>im</c> for a direct message.</param>
/// <param name="Text">The message text, with mentions as <c>&lt;@U…&gt;</c>.</param>
/// <param name="Ts">The message's timestamp, which is its id.</param>
/// <param name="ThreadTs">The thread the message was posted in, if any.</param>
/// <param name="Subtype">Set on edits, joins, bot messages and other non-person messages.</param>
/// <param name="BotId">Set when a bot (this one included) sent the message.</param>
public sealed record SlackEvent(string Type, string? User, string? Channel, string? ChannelType, string? Text, string? Ts, string? ThreadTs, string? Subtype, string? BotId)
{
    /// <summary>Said by a person (not a bot, not an edit or a join): the only events answered.</summary>
    public bool IsFromPerson => User is not null && BotId is null && Subtype is null;

    /// <summary>A direct message to the app.</summary>
    public bool IsDirectMessage => Type == "message" && ChannelType == "im";
}
