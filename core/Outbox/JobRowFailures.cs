using System.Globalization;
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
    private const int MaxShown = 10;

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
        var facts = failures.Take(MaxShown).Select(f => new Fact(CardText.Escape(f.Row), CardText.Escape(f.Error.Length > 300 ? f.Error[..300] + "…" : f.Error))).ToList();
        var card = new Card(
            new CardHeader($"The {job} job skipped {failures.Count} item(s)", "Everything else was done"),
            [
                new TextElement("These items could not be processed and were skipped; the job carried on with the rest and will try them again on its next run. Check their data (for example an impossible date).", TextStyle.Warning),
                new FactsElement(facts),
                new TextElement(failures.Count > MaxShown ? $"…and {failures.Count - MaxShown} more (see the log)." : "Details are in the log.", TextStyle.Subtle),
            ],
            string.Create(CultureInfo.InvariantCulture, $"The {job} job skipped {failures.Count} item(s)."));
        var leads = await db.ActiveLeadIdsAsync(cancellationToken);
        foreach (var lead in leads)
        {
            await db.EnqueueForPersonAsync($"{key}:{lead:N}", "job.failure", card, lead, now, cancellationToken: cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
