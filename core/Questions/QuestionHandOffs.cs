using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Questions;

/// <summary>What became of a request to pass a question to the compliance leads.</summary>
public enum HandOffResult
{
    /// <summary>No such question, or it was asked by someone else in their own chat.</summary>
    NotFound,

    /// <summary>Passed now: each lead's card is queued with the change.</summary>
    Passed,

    /// <summary>Passed (or answered) before: nothing changed.</summary>
    AlreadyPassed,

    /// <summary>The asker has passed as many questions as they may within the hour: nothing changed.</summary>
    TooMany,
}

/// <summary>What became of a lead's answer to a question passed to them.</summary>
public enum LeadAnswerResult
{
    /// <summary>Sent: the asker's card is queued with the change.</summary>
    Sent,

    /// <summary>The person is not an active compliance lead: nothing changed.</summary>
    NotLead,

    /// <summary>The answer is empty: nothing changed.</summary>
    Empty,

    /// <summary>No such question.</summary>
    NotFound,

    /// <summary>Another lead (or this one, a moment ago) answered it first: nothing changed.</summary>
    AlreadyAnswered,
}

/// <summary>
/// The question workflow past the knowledge base: an asker passes a question the bot could not answer to the compliance
/// leads, and a lead's answer goes back to the asker. Each change is stored with the cards it causes (in the outbox, one
/// transaction), whichever door it came in by; the door renders the result.
/// </summary>
public sealed class QuestionHandOffs(ComplianceDbContext db, OutboxSignal outbox, TimeProvider time)
{
    /// <summary>The longest lead answer kept; longer ones are cut.</summary>
    public const int MaximumAnswerLength = 4000;

    /// <summary>
    /// Passes the question to every active lead's personal chat. <paramref name="askerUserId"/> is who clicked: in a
    /// personal chat only the asker may pass their question on. At most <paramref name="perHour"/> hand-offs per asker
    /// (their person, else their conversation) within an hour, counted in the store, so every instance shares the count;
    /// 0 means no limit.
    /// </summary>
    public async Task<HandOffResult> HandOffAsync(Guid questionId, string askerUserId, string? askerName, int perHour, CancellationToken cancellationToken)
    {
        var question = await db.Questions.SingleOrDefaultAsync(q => q.Id == questionId, cancellationToken);
        var asker = question?.ConversationReferenceId is { } id ? await db.ConversationReferences.FindAsync([id], cancellationToken) : null;
        if (question is null || asker is null || asker.Scope == ConversationScope.Personal && asker.UserId is not null && asker.UserId != askerUserId)
        {
            return HandOffResult.NotFound;
        }

        if (question.Status is QuestionStatus.HandedOff or QuestionStatus.AnsweredByLead)
        {
            return HandOffResult.AlreadyPassed;
        }

        var now = time.GetUtcNow();
        if (perHour > 0 && await HandOffsWithinHourAsync(question, now, cancellationToken) >= perHour)
        {
            return HandOffResult.TooMany;
        }

        question.Status = QuestionStatus.HandedOff;
        question.HandedOffAt = now;
        var card = QuestionCards.LeadQuestion(question.Id, askerName ?? "a colleague", question.Text);
        foreach (var lead in await LeadConversationsAsync(cancellationToken))
        {
            await db.EnqueueAsync($"question:{question.Id:N}:hand-off:{lead.Id:N}", "question.hand-off", card, lead, now, cancellationToken: cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        outbox.Nudge();
        return HandOffResult.Passed;
    }

    /// <summary>A compliance lead answers a question passed to them; the answer is queued to the asker's conversation.</summary>
    public async Task<LeadAnswerResult> AnswerAsync(Guid questionId, Person? lead, string? text, CancellationToken cancellationToken)
    {
        if (lead is not { IsActive: true } || !lead.Has(PersonRoles.ComplianceLead))
        {
            return LeadAnswerResult.NotLead;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return LeadAnswerResult.Empty;
        }

        var question = await db.Questions.SingleOrDefaultAsync(q => q.Id == questionId, cancellationToken);
        if (question is null)
        {
            return LeadAnswerResult.NotFound;
        }

        if (question.Status == QuestionStatus.AnsweredByLead)
        {
            return LeadAnswerResult.AlreadyAnswered;
        }

        question.Status = QuestionStatus.AnsweredByLead;
        question.Answer = text.Length > MaximumAnswerLength ? text[..MaximumAnswerLength] : text;
        question.AnsweredById = lead.Id;
        question.AnsweredAt = time.GetUtcNow();
        if (question.ConversationReferenceId is { } askerConversation && await db.ConversationReferences.FindAsync([askerConversation], cancellationToken) is { } reference)
        {
            await db.EnqueueAsync($"question:{question.Id:N}:answer", "question.answer", QuestionCards.LeadAnswer(lead.DisplayName, question.Answer), reference,
                question.AnsweredAt.Value, cancellationToken: cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        outbox.Nudge();
        return LeadAnswerResult.Sent;
    }

    private Task<int> HandOffsWithinHourAsync(Question question, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now.AddHours(-1);
        var passed = db.Questions.Where(q => q.HandedOffAt != null && q.HandedOffAt > since);
        passed = question.AskedById is { } person
            ? passed.Where(q => q.AskedById == person)
            : passed.Where(q => q.AskedById == null && q.ConversationReferenceId == question.ConversationReferenceId);
        return passed.CountAsync(cancellationToken);
    }

    private async Task<List<ConversationReference>> LeadConversationsAsync(CancellationToken cancellationToken)
    {
        var leads = await db.People.Where(p => p.IsActive).ToListAsync(cancellationToken);
        var leadIds = leads.Where(p => p.Has(PersonRoles.ComplianceLead)).Select(p => p.Id).ToList();
        return ConversationDirectory.OnePerChat(await db.ConversationReferences
            .Where(c => c.PersonId != null && leadIds.Contains(c.PersonId.Value) && c.Scope == ConversationScope.Personal)
            .ToListAsync(cancellationToken));
    }
}
