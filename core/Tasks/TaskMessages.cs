using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Tasks;

/// <summary>
/// Who must hear about an evidence task, and with which card: queued in the outbox inside the decision's own
/// transaction, so a decision and its messages are saved (or lost) together. Every rule of the workflow about
/// messages is here, whichever door the decision came in by (chat, card, page, API, CSV, the daily generation).
/// </summary>
public sealed class TaskMessages(ComplianceDbContext db, TimeProvider time)
{
    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// After <paramref name="command"/> changed <paramref name="task"/>: every posted copy of its card is updated (the
    /// clicked one too), and whoever must act next gets a card: the leads after a submission or a request, the owner when
    /// it comes back to them.
    /// </summary>
    public async Task QueueAfterAsync(EvidenceTask task, TaskCommand command, PostedCard? clicked, CancellationToken cancellationToken)
    {
        await CardCopies.QueueUpdatesAsync(db, AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), $"v{task.Version}",
            audience => CardFor(task, audience), time.GetUtcNow(), clicked, cancellationToken);
        var leadsDecide = command is SubmitEvidence or MarkDone or RequestExtension || command is Reassign && task.ProposedOwnerId is not null;
        if (leadsDecide)
        {
            foreach (var lead in await db.People.Where(p => p.IsActive).Select(p => new { p.Id, p.Roles }).ToListAsync(cancellationToken))
            {
                if ((lead.Roles & PersonRoles.ComplianceLead) != 0)
                {
                    await QueueAsync(task, lead.Id, CardAudience.Lead, cancellationToken);
                }
            }
        }
        else if (command is RejectEvidence || command is Reassign || command is DecideReassignment { Approve: true } || command is ChangeDueDate)
        {
            await QueueAsync(task, task.OwnerId, CardAudience.Owner, cancellationToken);
        }
    }

    /// <summary>A new task: its owner gets the card. Returns how many conversations reach them (0: they haven't talked to the bot yet).</summary>
    public Task<int> QueueAssignedAsync(EvidenceTask task, CancellationToken cancellationToken) =>
        QueueAsync(task, task.OwnerId, CardAudience.Owner, cancellationToken);

    /// <summary>The card one audience sees.</summary>
    public Card CardFor(EvidenceTask task, CardAudience audience) =>
        audience == CardAudience.Owner ? TaskCards.Owner(task, Today) : TaskCards.Lead(task, Today);

    /// <summary>
    /// Queues the task's card for the person's personal conversations (the dispatcher sends it and remembers each copy,
    /// so later changes update it); saved with the caller's change. Keyed by the task's version, so a retry queues
    /// nothing twice.
    /// </summary>
    private Task<int> QueueAsync(EvidenceTask task, Guid personId, CardAudience audience, CancellationToken cancellationToken) =>
        db.EnqueueForPersonAsync($"task:{task.Id:N}:v{task.Version}:{audience}:{personId:N}", $"task.{audience}".ToLowerInvariant(),
            CardFor(task, audience), personId, time.GetUtcNow(), new CardSubject(AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), audience), cancellationToken);
}
