using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Announcements;

/// <summary>What became of a change to the audit calendar.</summary>
/// <param name="Audit">The audit as stored (null when nothing was stored).</param>
/// <param name="Problems">The calendar's rules the request breaks, each with its field; empty when it was applied.</param>
/// <param name="NotAllowed">The actor may not change the calendar: nothing changed.</param>
/// <param name="NotFound">No such audit.</param>
public sealed record AuditBookingOutcome(Domain.Audit? Audit, IReadOnlyList<(string Field, string Reason)> Problems, bool NotAllowed = false, bool NotFound = false);

/// <summary>
/// The audit calendar's commands, the same for the admin API and a lead's chat command: the rules
/// (<see cref="AuditCalendar.Apply"/>), who may change it (a compliance lead, or a door that acts as one), and the
/// audit trail entry, stored with the change.
/// </summary>
public sealed class AuditBookings(ComplianceDbContext db, ChangeRecorder changes, TimeProvider time)
{
    private static readonly IReadOnlyList<(string, string)> None = [];

    public async Task<AuditBookingOutcome> AddAsync(AuditSpec spec, TaskActor actor, CancellationToken cancellationToken)
    {
        if (!MayChange(actor))
        {
            return new AuditBookingOutcome(null, None, NotAllowed: true);
        }

        var audit = new Domain.Audit { Name = "", CreatedAt = time.GetUtcNow() };
        var problems = AuditCalendar.Apply(spec, audit);
        if (problems.Count > 0)
        {
            return new AuditBookingOutcome(null, problems);
        }

        db.Audits.Add(audit);
        await changes.SaveAsync(actor,
            [new Change("calendar.audit_added", AuditSubjects.CalendarAudit, AuditSubjects.Id(audit.Id), null, ChangeSnapshots.Of(audit))], cancellationToken);
        return new AuditBookingOutcome(audit, None);
    }

    public async Task<AuditBookingOutcome> ChangeAsync(Guid id, AuditSpec spec, TaskActor actor, CancellationToken cancellationToken)
    {
        var (audit, refusal) = await FindAsync(id, actor, cancellationToken);
        if (audit is null)
        {
            return refusal!;
        }

        var before = ChangeSnapshots.Of(audit);
        var problems = AuditCalendar.Apply(spec, audit);
        if (problems.Count > 0)
        {
            return new AuditBookingOutcome(null, problems);
        }

        if (ChangeSnapshots.Of(audit) is var after && after != before)
        {
            await changes.SaveAsync(actor, [new Change("calendar.audit_changed", AuditSubjects.CalendarAudit, AuditSubjects.Id(audit.Id), before, after)], cancellationToken);
        }

        return new AuditBookingOutcome(audit, None);
    }

    public async Task<AuditBookingOutcome> RemoveAsync(Guid id, TaskActor actor, CancellationToken cancellationToken)
    {
        var (audit, refusal) = await FindAsync(id, actor, cancellationToken);
        if (audit is null)
        {
            return refusal!;
        }

        var before = ChangeSnapshots.Of(audit);
        db.Audits.Remove(audit);
        await changes.SaveAsync(actor, [new Change("calendar.audit_removed", AuditSubjects.CalendarAudit, AuditSubjects.Id(audit.Id), before, null)], cancellationToken);
        return new AuditBookingOutcome(audit, None);
    }

    /// <summary>The audit to change, or why there is none to change.</summary>
    private async Task<(Domain.Audit? Audit, AuditBookingOutcome? Refusal)> FindAsync(Guid id, TaskActor actor, CancellationToken cancellationToken)
    {
        if (!MayChange(actor))
        {
            return (null, new AuditBookingOutcome(null, None, NotAllowed: true));
        }

        var audit = await db.Audits.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return audit is null ? (null, new AuditBookingOutcome(null, None, NotFound: true)) : (audit, null);
    }

    private static bool MayChange(TaskActor actor) =>
        actor.ActsAsLead || actor.Person is { IsActive: true } person && person.Has(PersonRoles.ComplianceLead);
}
