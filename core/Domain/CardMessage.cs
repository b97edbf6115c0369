namespace ChatCompliance.Core.Domain;

/// <summary>
/// A card the bot posted about something (an evidence task, a review), so that after any change every copy
/// can be updated in place: the Teams activity id or the Slack message <c>ts</c>, in a stored conversation.
/// </summary>
public sealed class CardMessage
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>The kind of thing the card shows (the audit trail's subject types).</summary>
    public required string SubjectType { get; set; }

    public required string SubjectId { get; set; }

    public Guid ConversationReferenceId { get; set; }

    public ConversationReference? Conversation { get; set; }

    /// <summary>Teams activity id or Slack message timestamp.</summary>
    public required string MessageId { get; set; }

    /// <summary>Whom the copy is for: the card differs for the person doing the task and the compliance lead reviewing it.</summary>
    public CardAudience Audience { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Who a posted card is for.</summary>
public enum CardAudience
{
    /// <summary>The owner (or delegate) of a task.</summary>
    Owner = 0,
    /// <summary>A compliance lead deciding on it.</summary>
    Lead = 1,
}
