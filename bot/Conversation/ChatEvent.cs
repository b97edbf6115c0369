using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Bot.Conversation;

/// <summary>What happened, in platform-neutral terms.</summary>
internal enum ChatEventKind
{
    Message,
    CardAction,
    Installed,
    Uninstalled,
}

/// <summary>Who acted, as the platform identifies them.</summary>
/// <param name="Platform">Where they acted.</param>
/// <param name="UserId">The platform's id for them (Teams user id, Slack user id).</param>
/// <param name="Name">Their display name, as the platform sent it (never trusted for identity).</param>
/// <param name="DirectoryId">Their Entra object id (Teams), from the verified token's activity.</param>
/// <param name="TenantId">Their Teams tenant or Slack workspace.</param>
/// <param name="VerifiedPersonId">
/// The person, for a platform whose adapter resolves people itself after verifying the sender (a platform added as one
/// adapter); null on Teams and Slack, where the directory decides (Entra object id; the linked Slack user).
/// </param>
internal sealed record ChatUser(Platform Platform, string UserId, string? Name, string? DirectoryId, string? TenantId, Guid? VerifiedPersonId = null);

/// <summary>One inbound event after the adapter verified and translated it.</summary>
/// <param name="Kind">Message, card action, install or uninstall.</param>
/// <param name="User">The sender.</param>
/// <param name="ConversationReferenceId">The stored reference of the conversation it came from.</param>
/// <param name="Text">Message text with mentions removed.</param>
/// <param name="Verb">The card action's verb.</param>
/// <param name="Data">The card action's data and inputs.</param>
/// <param name="MessageId">For a card action, the message the card is in (Teams activity id, Slack ts), when known.</param>
/// <param name="Thread">
/// The thread within the conversation where the platform has threads the conversation reference does not tell apart
/// (Slack: the thread the answer goes to in a channel); null for the conversation as a whole (a Teams conversation id
/// already names its thread, a Slack DM is one thread).
/// </param>
internal sealed record ChatEvent(
    ChatEventKind Kind,
    ChatUser User,
    Guid ConversationReferenceId,
    string? Text = null,
    string? Verb = null,
    IReadOnlyDictionary<string, string>? Data = null,
    string? MessageId = null,
    string? Thread = null)
{
    public string? Value(string key) => Data is not null && Data.TryGetValue(key, out var value) ? value : null;
}

/// <summary>What the bot answers, in platform-neutral terms.</summary>
internal abstract record ChatReply
{
    /// <summary>What goes out as a message (through the outbox): the card, a text as a plain message, or null for nothing.</summary>
    public abstract Card? Message { get; }
}

/// <summary>Nothing to say.</summary>
internal sealed record NoReply : ChatReply
{
    public override Card? Message => null;
}

/// <summary>A short text.</summary>
internal sealed record TextReply(string Text) : ChatReply
{
    public override Card? Message => Card.Message(Text);
}

/// <summary>A card; for a card action, <see cref="ReplacesCard"/> says it replaces the clicked card instead of following it.</summary>
internal sealed record CardReply(Card Card, bool ReplacesCard = false) : ChatReply
{
    public override Card? Message => Card;
}
