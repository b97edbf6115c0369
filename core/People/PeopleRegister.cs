using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.People;

/// <summary>Finds people by email, adding to the register whoever is named for work and not yet known.</summary>
public static class PeopleRegister
{
    /// <summary>
    /// The person with this email, given <paramref name="role"/>; a new person (named after the address unless
    /// <paramref name="displayName"/> is given) when nobody has it. Added to the context, saved by the caller.
    /// </summary>
    public static async Task<Person> FindOrAddAsync(this ComplianceDbContext db, string email, PersonRoles role, DateTimeOffset now,
        string? displayName = null, CancellationToken cancellationToken = default)
    {
        var normalised = Person.NormaliseEmail(email);
        // Several changes in one transaction (a CSV import, a campaign launch) may name a person added earlier, not yet saved.
        var person = db.People.Local.FirstOrDefault(p => p.Email == normalised)
            ?? await db.People.FirstOrDefaultAsync(p => p.Email == normalised, cancellationToken);
        if (person is null)
        {
            person = new Person
            {
                Email = normalised,
                DisplayName = string.IsNullOrWhiteSpace(displayName) ? normalised.Split('@')[0] : displayName.Trim(),
                Roles = PersonRoles.Employee | role,
                CreatedAt = now,
            };
            db.People.Add(person);
        }
        else if (!person.Has(role))
        {
            person.Roles |= role;
        }

        return person;
    }

    /// <summary>The ids of the active compliance leads: who hears about alerts, summaries and refusals.</summary>
    public static async Task<List<Guid>> ActiveLeadIdsAsync(this ComplianceDbContext db, CancellationToken cancellationToken = default) =>
        (await db.People.AsNoTracking().Where(p => p.IsActive).Select(p => new { p.Id, p.Roles }).ToListAsync(cancellationToken))
            .Where(p => (p.Roles & PersonRoles.ComplianceLead) != 0).Select(p => p.Id).ToList();
}
