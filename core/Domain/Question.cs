namespace ChatCompliance.Core.Domain;

public enum QuestionStatus
{
    /// <summary>The bot answered from the knowledge base.</summary>
    Answered = 0,
    /// <summary>The bot did not know.</summary>
    Abstained = 1,
    /// <summary>The asker passed it to the compliance team.</summary>
    HandedOff = 2,
    /// <summary>A compliance lead answered it.</summary>
    AnsweredByLead = 3,
}

/// <summary>A question someone asked, kept for the hand-off and for improving the knowledge base.</summary>
public sealed class Question
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public required string Text { get; set; }

    public Guid? AskedById { get; set; }

    public Platform AskedOn { get; set; }

    public Guid? ConversationReferenceId { get; set; }

    public DateTimeOffset AskedAt { get; set; }

    public QuestionStatus Status { get; set; }

    /// <summary>The entry the bot answered from, when it answered.</summary>
    public string? EntryId { get; set; }

    public double Confidence { get; set; }

    /// <summary>
    /// Whose conversation turn this was: a hash of the platform, the asker's platform id, the conversation and the thread,
    /// so a follow-up finds the topic of the same person in the same thread and nobody else's (no platform id is kept).
    /// </summary>
    public string? FollowUpKey { get; set; }

    /// <summary>What the answer was about (<c>ConversationTopic</c>, stored form), for a follow-up within a few minutes; null when it abstained.</summary>
    public string? Topic { get; set; }

    public DateTimeOffset? HandedOffAt { get; set; }

    public string? Answer { get; set; }

    public Guid? AnsweredById { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }
}
