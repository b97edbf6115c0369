using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Duties;

/// <summary>Writes a change of the separation-of-duties settings to the audit trail when the application starts.</summary>
public static class SettingsAudit
{
    public const string Action = "settings.changed";

    // Any constant nothing else in the database locks on; the ASCII of "CCSETTN1".
    private const long SettingsLockKey = 0x4343_5345_5454_4E31;

    /// <summary>
    /// Compares the effective settings with the last audited value (the defaults, all rules on, when none was audited)
    /// and appends a <c>settings.changed</c> entry with both when they differ; true when it did. Instances starting together
    /// take turns (PostgreSQL: a transaction-scoped advisory lock before the read; SQLite: the write lock its transactions
    /// begin with), so the second sees the first's entry and writes nothing.
    /// </summary>
    public static async Task<bool> RecordChangesAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var after = ChangeSnapshots.OfSettings(scope.ServiceProvider.GetRequiredService<IOptions<SeparationOfDutiesOptions>>().Value);
        return await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SettingsLockKey})", ct);
            }

            var last = await db.AuditTrail.AsNoTracking()
                .Where(e => e.Action == Action && e.SubjectType == AuditSubjects.Settings && e.SubjectId == SeparationOfDutiesOptions.SectionName)
                .OrderByDescending(e => e.Sequence)
                .Select(e => e.After)
                .FirstOrDefaultAsync(ct);
            var before = last ?? ChangeSnapshots.OfSettings(new SeparationOfDutiesOptions());
            if (before == after)
            {
                return false;
            }

            await audit.AppendAsync(db, new AuditRecord("system", null, Platform.System, Action, AuditSubjects.Settings,
                SeparationOfDutiesOptions.SectionName, before, after, "configuration read at start"), ct);
            return true;
        }, cancellationToken);
    }
}
