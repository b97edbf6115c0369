using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.People;

/// <summary>What the directory says about the sender of a verified Teams activity.</summary>
public enum TeamsIdentityOutcome
{
    /// <summary>Nobody in the directory has this object id: an unknown employee (questions only).</summary>
    Unknown,

    /// <summary>The object id is a known person's and the Teams user id is (now) bound to them.</summary>
    Confirmed,

    /// <summary>The Teams user id and the object id disagree with the directory: refused and reported.</summary>
    Mismatch,
}

/// <summary>
/// Binds Teams user ids to people only on the directory's word: the Entra object id of a verified activity names the
/// person, a person's Teams user id is set once and never re-bound by a later activity that disagrees. Display names
/// and token claims never decide who acts.
/// </summary>
public sealed class TeamsIdentity(AuditTrail auditTrail, TimeProvider time)
{
    private const string PersonSubject = nameof(Person);

    /// <summary>
    /// Checks the sender (<paramref name="teamsUserId"/>, <paramref name="objectId"/>) against the directory; binds an
    /// unbound person's Teams user id (audited), or records a mismatch and alerts the leads once a day per pair.
    /// </summary>
    public async Task<(TeamsIdentityOutcome Outcome, Person? Person)> ConfirmAsync(ComplianceDbContext db, string teamsUserId, string? objectId, string? tenantId,
        CancellationToken cancellationToken = default)
    {
        objectId = string.IsNullOrEmpty(objectId) ? null : objectId;
        var candidates = await db.People
            .Where(p => p.TeamsUserId == teamsUserId || (objectId != null && p.EntraObjectId == objectId))
            .OrderBy(p => p.Id)
            .Take(4)
            .ToListAsync(cancellationToken);
        var byObjectId = objectId is null ? null : candidates.FirstOrDefault(p => p.EntraObjectId == objectId);
        var byTeamsId = candidates.FirstOrDefault(p => p.TeamsUserId == teamsUserId);
        if (byTeamsId is not null && byTeamsId.Id != byObjectId?.Id)
        {
            // The Teams id belongs to someone else (or the activity carries no object id to prove it is theirs).
            return (await MismatchAsync(db, teamsUserId, objectId, tenantId, byTeamsId, byObjectId, cancellationToken), null);
        }

        if (byObjectId is null)
        {
            return (TeamsIdentityOutcome.Unknown, null);
        }

        if (byObjectId.TeamsUserId is { } bound && bound != teamsUserId)
        {
            return (await MismatchAsync(db, teamsUserId, objectId, tenantId, byObjectId, byObjectId, cancellationToken), null);
        }

        if (byObjectId.TeamsUserId is null)
        {
            await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                byObjectId.TeamsUserId = teamsUserId;
                await auditTrail.AppendAsync(db, new AuditRecord(byObjectId.Email, byObjectId.Id, Platform.Teams, "person.teams_linked", PersonSubject,
                    AuditSubjects.Id(byObjectId.Id), Json(new { teamsUserId = (string?)null }), Json(new { teamsUserId, objectId, tenantId }),
                    "first verified Teams activity with this object id"), ct);
            }, cancellationToken);
        }

        return (TeamsIdentityOutcome.Confirmed, byObjectId);
    }

    private async Task<TeamsIdentityOutcome> MismatchAsync(ComplianceDbContext db, string teamsUserId, string? objectId, string? tenantId, Person holder, Person? claimed,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pair = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{teamsUserId}\n{objectId}")))[..16];
        var key = $"identity-mismatch:{pair}:{now:yyyyMMdd}";
        if (await db.Outbox.AnyAsync(o => o.IdempotencyKey.StartsWith(key), cancellationToken))
        {
            return TeamsIdentityOutcome.Mismatch; // reported today already: no second alert, no second entry
        }

        await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            await auditTrail.AppendAsync(db, new AuditRecord("teams:" + teamsUserId, null, Platform.Teams, "identity.mismatch_refused", PersonSubject, AuditSubjects.Id(holder.Id),
                Json(new { holder.Email, holder.TeamsUserId, holder.EntraObjectId }), Json(new { teamsUserId, objectId, tenantId, claimedPerson = claimed?.Email }),
                "Teams user id and Entra object id disagree with the directory"), ct);
            var card = SecurityCards.IdentityMismatch(holder.DisplayName, holder.Email, teamsUserId, objectId, claimed?.Email, now);
            foreach (var lead in await db.ActiveLeadIdsAsync(ct))
            {
                await db.EnqueueForPersonAsync($"{key}:{lead:N}", "security.identity_mismatch", card, lead, now, cancellationToken: ct);
            }
        }, cancellationToken);
        return TeamsIdentityOutcome.Mismatch;
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
