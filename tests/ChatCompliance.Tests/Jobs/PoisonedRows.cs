using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Jobs;

/// <summary>
/// Rows no code path could have made, written past the application as someone with database access might: their
/// dates can no longer be read (SQLite: a period start that is not a date; PostgreSQL: a null creation time the model requires).
/// </summary>
internal static class PoisonedRows
{
    /// <summary>Breaks the evidence tasks with this title.</summary>
    public static async Task BreakTaskAsync(ComplianceDbContext db, string title)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"ALTER TABLE \"EvidenceTasks\" ALTER COLUMN \"CreatedAt\" DROP NOT NULL");
            await db.Database.ExecuteSqlAsync($"UPDATE \"EvidenceTasks\" SET \"CreatedAt\" = NULL WHERE \"Title\" = {title}");
        }
        else
        {
            await db.Database.ExecuteSqlAsync($"UPDATE \"EvidenceTasks\" SET \"PeriodStart\" = 'not a date' WHERE \"Title\" = {title}");
        }
    }

    /// <summary>Breaks the audits with this name.</summary>
    public static async Task BreakAuditAsync(ComplianceDbContext db, string name)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"ALTER TABLE \"Audits\" ALTER COLUMN \"CreatedAt\" DROP NOT NULL");
            await db.Database.ExecuteSqlAsync($"UPDATE \"Audits\" SET \"CreatedAt\" = NULL WHERE \"Name\" = {name}");
        }
        else
        {
            await db.Database.ExecuteSqlAsync($"UPDATE \"Audits\" SET \"PeriodStart\" = 'not a date' WHERE \"Name\" = {name}");
        }
    }
}
