using ChatCompliance.Core.Outbox;
using System.Globalization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Jobs.Announcements;
using ChatCompliance.Jobs.Chaser;
using ChatCompliance.Jobs.Outbox;
using ChatCompliance.Jobs.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Jobs.OnDemand;

/// <summary>How a lead's request to run a job now ended.</summary>
public enum JobRunKind
{
    /// <summary>The job ran; its messages are queued in the outbox.</summary>
    Done,
    /// <summary>No job has that name; nothing ran.</summary>
    UnknownJob,
    /// <summary>No audit on the calendar matches; nothing ran.</summary>
    UnknownAudit,
    /// <summary>The request is incomplete or does not apply (an audit missing, or already past); nothing ran.</summary>
    Invalid,
}

/// <summary>What a run did: the kind, a sentence for the person who asked, and how many messages (or tasks) it queued.</summary>
public sealed record JobRun(JobRunKind Kind, string Message, int Count = 0)
{
    public bool Succeeded => Kind == JobRunKind.Done;
}

/// <summary>
/// Runs a scheduled job now, for a lead (chat <c>digest now</c>, <c>announce &lt;audit&gt; now</c>, <c>chase now</c>,
/// the API's <c>POST /api/v1/jobs/{job}/run</c>, the CLI's <c>jobs run</c>): the very job classes Hangfire runs, and
/// one audit-trail entry naming who ran which job. Each door checks that the caller is a lead; this does not.
/// </summary>
public sealed class JobTrigger(IServiceProvider services, ComplianceDbContext db, AuditTrail audit, CompanyClock clock, TimeProvider time, OutboxSignal outbox)
{
    public const string Chase = "chase";
    public const string Announce = "announce";
    public const string Digest = "digest";
    public const string Generate = "generate";

    /// <summary>The audit trail's subject type of a job run; its id is the job's name.</summary>
    public const string AuditSubject = "Job";

    /// <summary>The jobs a lead may run now.</summary>
    public static IReadOnlyList<string> Jobs { get; } = [Chase, Announce, Digest, Generate];

    /// <summary>The job's canonical name, or null when there is no such job.</summary>
    public static string? Find(string? name) =>
        name is { Length: > 0 and <= 32 } ? Jobs.FirstOrDefault(j => string.Equals(j, name.Trim(), StringComparison.OrdinalIgnoreCase)) : null;

    /// <summary>Runs <paramref name="job"/> now as <paramref name="actor"/>; <paramref name="auditRef"/> (an audit's id or name) is for <c>announce</c> only.</summary>
    public async Task<JobRun> RunAsync(string job, string? auditRef, TaskActor actor, CancellationToken cancellationToken = default)
    {
        if (Find(job) is not { } name)
        {
            return new JobRun(JobRunKind.UnknownJob, $"There is no job called '{Shorten(job)}'. Jobs: {string.Join(", ", Jobs)}.");
        }

        Core.Domain.Audit? target = null;
        if (name == Announce)
        {
            if (string.IsNullOrWhiteSpace(auditRef))
            {
                return new JobRun(JobRunKind.Invalid, "Name the audit to announce: its name as the calendar shows it, or its id.");
            }

            var (found, problem) = await FindAuditAsync(auditRef.Trim(), cancellationToken);
            if (found is null)
            {
                return new JobRun(JobRunKind.UnknownAudit, problem!);
            }

            if (found.StartsOn < clock.Today)
            {
                return new JobRun(JobRunKind.Invalid, $"{found.Name} started on {found.StartsOn:yyyy-MM-dd}: there is no countdown left to announce.");
            }

            target = found;
        }
        else if (!string.IsNullOrWhiteSpace(auditRef))
        {
            return new JobRun(JobRunKind.Invalid, $"Only {Announce} takes an audit; {name} runs for everything.");
        }

        // Keyed to the minute: a double click or a retried request queues nothing twice; a request a minute later runs again.
        var trigger = time.GetUtcNow().ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var (count, message) = name switch
        {
            Chase => Said(await services.GetRequiredService<EvidenceChaserJob>().RunAsync(cancellationToken),
                "Chase: nothing was due a reminder or escalation (each step goes once per due date).", "Chase: {0} reminder(s) and escalation(s) queued."),
            Digest => Said(await services.GetRequiredService<WeeklyDigestJob>().RunNowAsync(trigger, cancellationToken),
                "Digest: no channel is subscribed to digests, or it was just sent (type **subscribe digests** in a channel).", "Digest queued for {0} channel(s)."),
            Announce => Said(await services.GetRequiredService<AuditAnnouncementJob>().RunNowAsync(target!, trigger, cancellationToken),
                $"{Core.Cards.CardText.Escape(target!.Name)}: no channel is subscribed to audits, or it was just announced.",
                $"{Core.Cards.CardText.Escape(target.Name)} announced to {{0}} channel(s)."),
            _ => Said(await services.GetRequiredService<TaskGenerationJob>().RunAsync(cancellationToken),
                "Task generation: no new tasks (every periodic control already has its task for this period).", "Task generation: {0} new task(s) for this period."),
        };

        await AuditTrail.RunInTransactionAsync(db, ct => audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "job.run",
            AuditSubject, name, null, null, target is null ? $"{name} now: {count} queued" : $"{name} now for {target.Name} ({AuditSubjects.Id(target.Id)}): {count} queued"), ct),
            cancellationToken);
        outbox.Nudge();
        return new JobRun(JobRunKind.Done, message, count);
    }

    private static (int Count, string Message) Said(int count, string none, string some) =>
        (count, count == 0 ? none : string.Format(CultureInfo.InvariantCulture, some, count));

    private async Task<(Core.Domain.Audit? Audit, string? Problem)> FindAuditAsync(string reference, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(reference, out var id))
        {
            var byId = await db.Audits.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
            return byId is null ? (null, $"No audit on the calendar has the id {id}.") : (byId, null);
        }

        var named = (await db.Audits.AsNoTracking().ToListAsync(cancellationToken))
            .Where(a => string.Equals(a.Name, reference, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            1 => (named[0], null),
            0 => (null, $"No audit on the calendar is called '{Shorten(reference)}'. Type **audits** to see the calendar."),
            _ => (null, $"Several audits are called '{Shorten(reference)}': use the id of one of them ({string.Join(", ", named.Select(a => AuditSubjects.Id(a.Id)))})."),
        };
    }

    private static string Shorten(string text) => Core.Cards.CardText.Escape(text.Length > 60 ? text[..60] + "…" : text);
}
