using System.Globalization;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Audit;

/// <summary>
/// Builds the auditor's export for a period. A task belongs to the period when it is due in it or the evidence
/// period it covers overlaps it; every audit-trail entry about an exported task is included, whenever it was written.
/// </summary>
public sealed class AuditExporter(ComplianceDbContext db, AuditKeyRing keys, TimeProvider time)
{
    /// <exception cref="AuditExportException">The request does not make sense, or names a control that does not exist.</exception>
    public async Task<AuditExport> ExportAsync(AuditExportRequest request, CancellationToken cancellationToken = default)
    {
        Validate(request);
        var generatedAt = time.GetUtcNow();
        return await StoreSnapshot.ReadAsync(db, async ct =>
        {
            var controls = await db.Controls.AsNoTracking().ToListAsync(ct);
            var (scope, selected) = Select(controls, request);
            var query = db.EvidenceTasks.AsNoTracking().WithControlAndPeople().AsQueryable();
            // By framework, accepted evidence counts under the references it was accepted for (filtered below).
            if (selected is not null && request.Framework is null)
            {
                var controlIds = selected.Select(c => c.Id).ToList();
                query = query.Where(t => controlIds.Contains(t.ControlId));
            }

            var tasks = await query
                .Where(t => (t.DueDate >= request.From && t.DueDate <= request.To)
                    || ((t.PeriodStart ?? t.DueDate) <= request.To && (t.PeriodEnd ?? t.DueDate) >= request.From))
                .ToListAsync(ct);
            if (request.Framework is { } framework)
            {
                var reference = request.Reference?.Trim();
                tasks = [.. tasks.Where(t => Refs(t, framework) is var refs && (reference is null ? refs.Count > 0 : refs.Contains(reference, StringComparer.OrdinalIgnoreCase)))];
            }

            var deciderIds = tasks.Where(t => t.DecidedById is not null).Select(t => t.DecidedById!.Value).Distinct().ToList();
            var deciders = await db.People.AsNoTracking().Where(p => deciderIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Email, ct);

            var subjectIds = tasks.Select(t => AuditSubjects.Id(t.Id)).ToList();
            var entries = await db.AuditTrail.AsNoTracking()
                .Where(e => e.SubjectType == AuditSubjects.EvidenceTask && subjectIds.Contains(e.SubjectId))
                .OrderBy(e => e.Sequence)
                .ToListAsync(ct);

            var chain = await AuditChainVerifier.VerifyAsync(db, keys, cancellationToken: ct);
            var rows = tasks
                .OrderBy(t => t.Control!.Code, StringComparer.Ordinal)
                .ThenBy(t => t.DueDate)
                .ThenBy(t => t.Title, StringComparer.Ordinal)
                .ThenBy(t => t.Id)
                .Select(t => Row(t, deciders))
                .ToList();
            return new AuditExport(generatedAt, request.From, request.To, scope, chain, rows, [.. entries.Select(ExportedTrailEntry.From)]);
        }, cancellationToken);
    }

    private static void Validate(AuditExportRequest request)
    {
        if (request.From > request.To)
        {
            throw new AuditExportException($"the period starts ({Day(request.From)}) after it ends ({Day(request.To)})");
        }

        if (request.ControlCode is not null && request.Framework is not null)
        {
            throw new AuditExportException("export one control or one framework, not both");
        }

        if (request.Reference is not null && request.Framework is null)
        {
            throw new AuditExportException($"the reference {request.Reference} needs its framework (SOC 2 or ISO 27001)");
        }
    }

    /// <summary>The controls in scope (null: all of them), and the scope in words.</summary>
    private static (string Scope, List<Control>? Controls) Select(List<Control> controls, AuditExportRequest request)
    {
        if (request.ControlCode is { } code)
        {
            var control = controls.FirstOrDefault(c => string.Equals(c.Code, code.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new AuditExportException($"no control has the code {code}");
            return ($"control {control.Code}", [control]);
        }

        if (request.Framework is not { } framework)
        {
            return ("all controls", null);
        }

        var name = framework == Framework.Soc2 ? "SOC 2" : "ISO/IEC 27001";
        var reference = request.Reference?.Trim();
        var selected = controls.Where(c =>
        {
            var refs = framework == Framework.Soc2 ? c.Soc2Refs : c.Iso27001Refs;
            return reference is null ? refs.Count > 0 : refs.Contains(reference, StringComparer.OrdinalIgnoreCase);
        }).ToList();
        return (reference is null ? name : $"{name} {reference}", selected);
    }

    private static ExportedEvidenceTask Row(EvidenceTask t, Dictionary<Guid, string> deciders) => new(
        t.Id,
        t.Control!.Code,
        t.Control.Title,
        Refs(t, Framework.Soc2),
        Refs(t, Framework.Iso27001),
        t.Title,
        t.Owner?.Email,
        t.Owner?.DisplayName,
        t.Delegate?.Email,
        t.DueDate,
        t.PeriodStart,
        t.PeriodEnd,
        t.Status,
        t.EvidenceUrl,
        t.EvidenceNote,
        t.SubmittedAt,
        t.DecidedAt,
        t.DecidedById is { } id ? deciders.GetValueOrDefault(id, AuditSubjects.Id(id)) : null,
        t.DecisionReason,
        t.CreatedAt,
        t.UpdatedAt);

    /// <summary>A task's references: those of its control when its evidence was accepted, else the control's current ones.</summary>
    private static List<string> Refs(EvidenceTask t, Framework framework) => framework == Framework.Soc2
        ? t.AcceptedSoc2Refs ?? t.Control!.Soc2Refs
        : t.AcceptedIso27001Refs ?? t.Control!.Iso27001Refs;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
