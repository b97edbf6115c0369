using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Duties;

/// <summary>Who else may take a decision that separation of duties keeps from the person asking.</summary>
public static class Duties
{
    /// <summary>
    /// The active compliance leads other than <paramref name="excluded"/>, by name, for a refusal that says who can:
    /// "Alice Lead, Bob Admin", or a sentence saying that nobody can yet.
    /// </summary>
    public static async Task<string> OtherLeadsAsync(ComplianceDbContext db, IEnumerable<Guid> excluded, CancellationToken cancellationToken)
    {
        var leads = await db.People.AsNoTracking()
            .Where(p => p.IsActive && (p.Roles & PersonRoles.ComplianceLead) == PersonRoles.ComplianceLead)
            .Select(p => new { p.Id, p.DisplayName })
            .ToListAsync(cancellationToken);
        var skip = excluded.ToHashSet();
        var names = leads.Where(p => !skip.Contains(p.Id)).Select(p => p.DisplayName).Order(StringComparer.OrdinalIgnoreCase).Take(10).ToList();
        return names.Count == 0
            ? "there is no other compliance lead yet (an admin can give someone the ComplianceLead role)"
            : string.Join(", ", names);
    }
}
