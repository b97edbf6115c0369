using System.Text.Json;

namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// What the last answer in a conversation was about, remembered for a few minutes so that a follow-up ("and for ISO?",
/// "which clause is that?") can build on it.
/// </summary>
/// <param name="Subject">The answered question as it stands on its own (a follow-up's resolved form, not its words).</param>
/// <param name="EntryId">The entry the answer came from, when it came from one.</param>
/// <param name="References">The catalog ids the answer cited.</param>
public sealed record ConversationTopic(string Subject, string? EntryId, IReadOnlyList<string> References)
{
    /// <summary>The longest subject kept: a topic is a question, not a document.</summary>
    public const int MaximumSubjectLength = 500;

    /// <summary>The most references kept.</summary>
    public const int MaximumReferences = 12;

    /// <summary>The longest stored form (<see cref="Serialize"/>): subject, entry id and references, with room to spare.</summary>
    public const int MaximumStoredLength = 2000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The stored form; bounded so that it always fits its column.</summary>
    public string Serialize()
    {
        var bounded = new ConversationTopic(
            Subject.Length > MaximumSubjectLength ? Subject[..MaximumSubjectLength] : Subject,
            EntryId is { Length: > 100 } ? null : EntryId,
            [.. References.Where(r => r.Length <= 40).Take(MaximumReferences)]);
        return JsonSerializer.Serialize(bounded, Json);
    }

    /// <summary>The topic a stored form names; null for anything unreadable (a topic is a hint, never worth an error).</summary>
    public static ConversationTopic? Parse(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored) || stored.Length > MaximumStoredLength)
        {
            return null;
        }

        try
        {
            var topic = JsonSerializer.Deserialize<ConversationTopic>(stored, Json);
            return topic is { Subject: { Length: > 0 } } ? topic with { References = topic.References ?? [] } : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How a question used the remembered topic.</summary>
public enum FollowUpKind
{
    /// <summary>A question that stands on its own (or a follow-up resolved without a topic): answered alone.</summary>
    None,
    /// <summary>"and for ISO?": the same topic in the other framework.</summary>
    OtherFramework,
    /// <summary>"what about type 1?": the same topic with the variant changed.</summary>
    Variant,
    /// <summary>"which clause is that?": the references of the last answer.</summary>
    References,
    /// <summary>"show the mapping": the crosswalk of the last answer's references.</summary>
    Mapping,
    /// <summary>"how long does that take?": the question with "that" read as the topic's framework.</summary>
    SameFramework,
    /// <summary>A follow-up with nothing to follow: the answer asks what we are talking about.</summary>
    NoTopic,
    /// <summary>"what about inclusive?", "and a minor one?": the other side of the topic, asked with the topic's words when it means nothing alone.</summary>
    OtherSide,
    /// <summary>"which ones?", "why?", "like what?": more of the last answer, which is given again.</summary>
    Elaborate,
}

/// <summary>An answer in a conversation: what to say, the topic to remember for the next turn (null: none), and how the question used the last one.</summary>
public sealed record TurnAnswer(KnowledgeAnswer Answer, ConversationTopic? Topic, FollowUpKind FollowUp);
