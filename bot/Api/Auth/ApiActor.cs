using System.Security.Claims;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Api.Auth;

/// <summary>Who calls the admin API, as the audit trail and the decisions see them.</summary>
internal static class ApiActor
{
    /// <summary>Why a caller with no person behind it (an API key, or a token whose object id is nobody's) cannot decide.</summary>
    public const string NoPersonRefusal =
        "This decision needs a person: separation of duties checks who decides, and this caller is not a person in the register " +
        "(an API key, or a token whose object id no active person has). Call with your own Entra ID token, or decide in chat.";

    /// <summary>
    /// The active person whose Entra object id is the token's <c>oid</c>, when there is one (so separation of duties knows
    /// them); otherwise the caller by name (an API key's name, or the token's user).
    /// </summary>
    public static async Task<TaskActor> ResolveAsync(ClaimsPrincipal user, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var objectId = user.FindFirst("oid")?.Value?.ToLowerInvariant();
        var person = objectId is null ? null : await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.EntraObjectId == objectId && p.IsActive, cancellationToken);
        return new TaskActor(person, Platform.Api, person is null ? AdminApiAuthentication.CallerName(user) : null);
    }
}
