using System.Security.Cryptography;
using System.Text;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.People;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Outbox;

/// <summary>One row a scheduled job skipped because working on it threw, and why.</summary>
/// <param name="Row">What the row is, for a person (<c>access review campaign 3f2a…</c>).</param>
/// <param name="Error">The reason, one line.</param>
public sealed record JobRowFailure(string Row, string Error);

/// <summary>Tells the compliance leads, once per job, day and set of rows, which rows a job skipped.</summary>
public static class JobRowFailures
{
    /// <summary>Queues one card per active lead's conversation; a second run the same day with the same failures queues nothing.</summary>
    public static async Task TellLeadsAsync(ComplianceDbContext db, string job, IReadOnlyList<JobRowFailure> failures, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (failures.Count == 0)
        {
            return;
        }

        db.ChangeTracker.Clear(); // whatever the failed row left tracked must not be saved with the alert
        var rows = string.Join("\n", failures.Select(f => f.Row).Order(StringComparer.Ordinal));
        var key = $"job-failure:{job}:{now:yyyyMMdd}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rows)))[..16]}";
        var card = JobFailureCards.Skipped(job, failures);
        var leads = await db.ActiveLeadIdsAsync(cancellationToken);
        foreach (var lead in leads)
        {
            await db.EnqueueForPersonAsync($"{key}:{lead:N}", "job.failure", card, lead, now, cancellationToken: cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
