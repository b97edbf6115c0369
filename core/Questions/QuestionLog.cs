using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;

namespace ChatCompliance.Core.Questions;

/// <summary>Keeps every question asked with how it was answered, so abstentions can be handed off and the knowledge base improved.</summary>
public sealed class QuestionLog(ComplianceDbContext db, TimeProvider time)
{
    /// <summary>Stores the question (cut to the column's size) and the answer's outcome; returns the stored row.</summary>
    public async Task<Question> RecordAsync(string text, KnowledgeAnswer answer, Platform platform, Guid? askedBy = null,
        Guid? conversation = null, CancellationToken cancellationToken = default)
    {
        var question = new Question
        {
            Text = text.Length > 4000 ? text[..4000] : text,
            AskedById = askedBy,
            AskedOn = platform,
            ConversationReferenceId = conversation,
            AskedAt = time.GetUtcNow(),
            Status = answer.Abstained ? QuestionStatus.Abstained : QuestionStatus.Answered,
            EntryId = answer.EntryId,
            Confidence = answer.Confidence,
        };
        db.Questions.Add(question);
        await db.SaveChangesAsync(cancellationToken);
        return question;
    }
}
