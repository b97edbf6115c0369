using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Outbox;

/// <summary>What a lead's Resend on an undelivered-messages alert did.</summary>
public enum OutboxResendOutcome
{
    /// <summary>The held messages are due again.</summary>
    Resent,
    /// <summary>Only an active compliance lead may resend; nothing changed.</summary>
    NotALead,
    /// <summary>No message was ever reported under that incident; nothing changed.</summary>
    UnknownIncident,
    /// <summary>The incident's held messages were resent before (a second click); nothing changed.</summary>
    NothingHeld,
}

/// <summary>A lead sends again the messages one delivery incident held (dead-lettered, never sent), audited per message.</summary>
public static class OutboxResend
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Makes every held message of <paramref name="incidentId"/> due now (attempts reset, no longer dead-lettered or in
    /// doubt; a new failure clears the incident and is reported anew), each with an <c>outbox.resent</c> audit entry, in
    /// one transaction. A message resent by a concurrent click is skipped, so each is resent once.
    /// </summary>
    public static async Task<(OutboxResendOutcome Outcome, int Count)> ResendAsync(ComplianceDbContext db, ChangeRecorder changes, TaskActor actor, Guid incidentId,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (actor.Person is not { IsActive: true } lead || !lead.Has(PersonRoles.ComplianceLead))
        {
            return (OutboxResendOutcome.NotALead, 0);
        }

        var held = await db.Outbox.AsNoTracking()
            .Where(o => o.IncidentId == incidentId && o.DeadLetteredAt != null && o.SentAt == null)
            .ToListAsync(cancellationToken);
        if (held.Count == 0)
        {
            // Resent messages keep the incident: rows left but none held means a click came before.
            return await db.Outbox.AnyAsync(o => o.IncidentId == incidentId, cancellationToken)
                ? (OutboxResendOutcome.NothingHeld, 0)
                : (OutboxResendOutcome.UnknownIncident, 0);
        }

        var count = await changes.SaveAsync(actor, async ct =>
        {
            var done = new List<Change>();
            foreach (var row in held)
            {
                var resent = await db.Outbox.Where(o => o.Id == row.Id && o.IncidentId == incidentId && o.DeadLetteredAt != null && o.SentAt == null)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(o => o.DeadLetteredAt, (DateTimeOffset?)null)
                        .SetProperty(o => o.InDoubtAt, (DateTimeOffset?)null)
                        .SetProperty(o => o.Attempts, 0)
                        .SetProperty(o => o.NextAttemptAt, now)
                        .SetProperty(o => o.ClaimedBy, (string?)null)
                        .SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), ct);
                if (resent == 1)
                {
                    done.Add(new Change("outbox.resent", nameof(OutboxMessage), AuditSubjects.Id(row.Id), Snapshot(row), Snapshot(row, resentAt: now)));
                }
            }

            return (done.Count, (IReadOnlyList<Change>)done);
        }, cancellationToken);
        return count == 0 ? (OutboxResendOutcome.NothingHeld, 0) : (OutboxResendOutcome.Resent, count);
    }

    private static string Snapshot(OutboxMessage row, DateTimeOffset? resentAt = null) => JsonSerializer.Serialize(new
    {
        key = row.IdempotencyKey,
        kind = row.Kind,
        platform = row.Platform.ToString(),
        conversationReferenceId = row.ConversationReferenceId,
        deadLetteredAt = resentAt is null ? row.DeadLetteredAt : null,
        inDoubtAt = resentAt is null ? row.InDoubtAt : null,
        incidentId = row.IncidentId,
        lastError = row.LastError,
        nextAttemptAt = resentAt ?? row.NextAttemptAt,
    }, Json);
}
