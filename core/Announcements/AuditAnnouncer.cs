using System.Globalization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Announcements;

/// <summary>
/// The audit calendar's announcements to subscribed channels: a countdown at 90, 60, 30, 14, 7 and 1 days before an
/// audit with the open evidence, warnings as an ISO/IEC 27001 certificate nears its expiry with no recertification
/// booked, and monthly when the newest SOC 2 report's period ended more than 12 months ago with no audit booked.
/// Each announcement is queued once per channel (its idempotency key); a missed day sends the step that applies
/// now, never the ones already past. An audit that cannot be read or announced is skipped (and collected as a failure);
/// the others are announced.
/// </summary>
public sealed class AuditAnnouncer(ComplianceDbContext db, TimeProvider time)
{
    /// <summary>Days before an audit (and before a certificate expires) that are announced.</summary>
    public static IReadOnlyList<int> Countdown { get; } = [90, 60, 30, 14, 7, 1];

    /// <summary>
    /// Queues what is due on <paramref name="today"/> (the company's date); returns how many messages were queued. An audit
    /// that throws is skipped and added to <paramref name="failures"/>; without a collection, the first failure is thrown.
    /// </summary>
    public async Task<int> AnnounceAsync(DateOnly today, ICollection<JobRowFailure>? failures = null, CancellationToken cancellationToken = default)
    {
        var channels = await db.ChannelSubscriptions.AsNoTracking().Where(s => s.Topic == SubscriptionTopic.Audits)
            .Select(s => s.Conversation!).ToListAsync(cancellationToken);
        if (channels.Count == 0)
        {
            return 0;
        }

        var horizon = today.AddDays(Countdown[0]);
        var audits = await ReadableAuditsAsync(failures, cancellationToken);
        var announcements = new List<(string Key, Card Card, string Row)>();
        foreach (var audit in audits.Where(a => a.StartsOn >= today && a.StartsOn <= horizon))
        {
            try
            {
                var step = Countdown.Where(t => t >= audit.StartsOn.DayNumber - today.DayNumber).Min();
                announcements.Add(($"audit:{audit.Id:N}:{audit.StartsOn:yyyyMMdd}:{step}", await CountdownCardAsync(audit, today, cancellationToken), Row(audit)));
            }
            catch (Exception e) when (e is not OperationCanceledException && failures is not null)
            {
                failures.Add(new JobRowFailure(Row(audit), e.Message));
            }
        }

        foreach (var certified in audits.Where(a => a.CertificateExpiresOn is { } expires && expires >= today && expires <= horizon))
        {
            var expires = certified.CertificateExpiresOn!.Value;
            var booked = audits.Any(a => a.Kind == AuditKind.Iso27001Recertification && a.StartsOn >= today && a.StartsOn <= expires);
            if (!booked)
            {
                var days = expires.DayNumber - today.DayNumber;
                var step = Countdown.Where(t => t >= days).Min();
                announcements.Add(($"certificate:{certified.Id:N}:{expires:yyyyMMdd}:{step}", AnnouncementCards.CertificateExpiring(certified, days), Row(certified)));
            }
        }

        var soc2 = audits.Where(a => a.Framework == Framework.Soc2).ToList();
        var newest = soc2.Where(a => ReportDate(a) < today).MaxBy(ReportDate);
        if (newest is not null && ReportDate(newest) < today.AddMonths(-12) && !soc2.Any(a => a.StartsOn >= today))
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"soc2-stale:{newest.Id:N}:{today:yyyyMM}");
            announcements.Add((key, AnnouncementCards.Soc2ReportAging(newest, ReportDate(newest), today), Row(newest)));
        }

        return await QueueAsync(announcements, channels, failures, cancellationToken);
    }

    /// <summary>
    /// Queues the countdown of one coming audit to every subscribed channel now, whatever the countdown's step (a lead asked
    /// for it); <paramref name="trigger"/> keys the run, so a repeat of the same request queues nothing twice.
    /// </summary>
    public async Task<int> AnnounceNowAsync(Domain.Audit audit, DateOnly today, string trigger, CancellationToken cancellationToken = default)
    {
        var channels = await db.ChannelSubscriptions.AsNoTracking().Where(s => s.Topic == SubscriptionTopic.Audits)
            .Select(s => s.Conversation!).ToListAsync(cancellationToken);
        return channels.Count == 0 ? 0
            : await QueueAsync([($"audit:{audit.Id:N}:{audit.StartsOn:yyyyMMdd}:now:{trigger}", await CountdownCardAsync(audit, today, cancellationToken), Row(audit))],
                channels, null, cancellationToken);
    }

    private async Task<Card> CountdownCardAsync(Domain.Audit audit, DateOnly today, CancellationToken cancellationToken)
    {
        var open = await db.EvidenceTasks.CountAsync(t => (t.Status == EvidenceTaskStatus.Open || t.Status == EvidenceTaskStatus.Rejected) && t.DueDate <= audit.StartsOn, cancellationToken);
        var overdue = await db.EvidenceTasks.CountAsync(t => (t.Status == EvidenceTaskStatus.Open || t.Status == EvidenceTaskStatus.Rejected) && t.DueDate < today, cancellationToken);
        var waiting = await db.EvidenceTasks.CountAsync(t => t.Status == EvidenceTaskStatus.Submitted, cancellationToken);
        return AnnouncementCards.Countdown(audit, audit.StartsOn.DayNumber - today.DayNumber, open, overdue, waiting);
    }

    private async Task<int> QueueAsync(List<(string Key, Card Card, string Row)> announcements, List<ConversationReference> channels,
        ICollection<JobRowFailure>? failures, CancellationToken cancellationToken)
    {
        var queued = 0;
        var now = time.GetUtcNow();
        foreach (var (key, card, row) in announcements)
        {
            foreach (var channel in channels)
            {
                try
                {
                    // Written at once, unless another instance (or an earlier run) queued the same announcement first.
                    queued += await db.QueueNowAsync($"{key}:{channel.Id:N}", "audit.announcement", card, channel, now, cancellationToken) ? 1 : 0;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (failures is null)
                    {
                        throw;
                    }

                    failures.Add(new JobRowFailure($"{row}, channel {channel.ConversationId}", e.Message));
                }
            }
        }

        return queued;
    }

    /// <summary>Every audit of the calendar that can be read; one that cannot (data no path should have made) is a failure, not the end.</summary>
    private async Task<List<Domain.Audit>> ReadableAuditsAsync(ICollection<JobRowFailure>? failures, CancellationToken cancellationToken)
    {
        if (failures is null)
        {
            return await db.Audits.AsNoTracking().ToListAsync(cancellationToken);
        }

        var audits = new List<Domain.Audit>();
        foreach (var row in await db.Audits.AsNoTracking().OrderBy(a => a.StartsOn).Select(a => new { a.Id, a.Name }).ToListAsync(cancellationToken))
        {
            try
            {
                audits.Add(await db.Audits.AsNoTracking().SingleAsync(a => a.Id == row.Id, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(new JobRowFailure($"audit {AuditSubjects.Id(row.Id)} ({row.Name})", e.Message));
            }
        }

        return audits;
    }

    private static string Row(Domain.Audit audit) => $"audit {AuditSubjects.Id(audit.Id)} ({audit.Name})";

    /// <summary>The date a SOC 2 report speaks to: a Type 2's period end, a Type 1's as-of date.</summary>
    private static DateOnly ReportDate(Domain.Audit audit) => audit.Kind == AuditKind.Soc2Type2 ? audit.PeriodEnd ?? audit.StartsOn : audit.StartsOn;
}
