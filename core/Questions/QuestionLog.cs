using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;

namespace ChatCompliance.Core.Questions;

/// <summary>Keeps every question asked with how it was answered, so abstentions can be handed off and the knowledge base improved.</summary>
public sealed class QuestionLog(ComplianceDbContext db, TimeProvider time)
{
    /// <summary>The longest question text kept; longer ones are cut.</summary>
    public const int MaximumTextLength = 4000;

    /// <summary>Stores the question at once; returns the stored row.</summary>
    public async Task<Question> RecordAsync(string text, KnowledgeAnswer answer, Platform platform, Guid? askedBy = null,
        Guid? conversation = null, CancellationToken cancellationToken = default)
    {
        var question = Create(text, answer, platform, askedBy, conversation, time.GetUtcNow());
        db.Questions.Add(question);
        await db.SaveChangesAsync(cancellationToken);
        return question;
    }

    /// <summary>The row for a question (cut to the column's size) and the answer's outcome, not yet stored.</summary>
    public static Question Create(string text, KnowledgeAnswer answer, Platform platform, Guid? askedBy, Guid? conversation, DateTimeOffset askedAt) => new()
    {
        Id = Guid.CreateVersion7(askedAt),
        Text = text.Length > MaximumTextLength ? text[..MaximumTextLength] : text,
        AskedById = askedBy,
        AskedOn = platform,
        ConversationReferenceId = conversation,
        AskedAt = askedAt,
        Status = answer.Abstained ? QuestionStatus.Abstained : QuestionStatus.Answered,
        EntryId = answer.EntryId,
        Confidence = answer.Confidence,
    };
}
