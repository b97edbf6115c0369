using System.Globalization;
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
/// now, never the ones already past.
/// </summary>
public sealed class AuditAnnouncer(ComplianceDbContext db, TimeProvider time)
{
    /// <summary>Days before an audit (and before a certificate expires) that are announced.</summary>
    public static IReadOnlyList<int> Countdown { get; } = [90, 60, 30, 14, 7, 1];

    /// <summary>Queues what is due on <paramref name="today"/> (the company's date); returns how many messages were queued.</summary>
    public async Task<int> AnnounceAsync(DateOnly today, CancellationToken cancellationToken = default)
    {
        var channels = await db.ChannelSubscriptions.AsNoTracking().Where(s => s.Topic == SubscriptionTopic.Audits)
            .Select(s => s.Conversation!).ToListAsync(cancellationToken);
        if (channels.Count == 0)
        {
            return 0;
        }

        var horizon = today.AddDays(Countdown[0]);
        var audits = await db.Audits.AsNoTracking().ToListAsync(cancellationToken);
        var announcements = new List<(string Key, Card Card)>();
        foreach (var audit in audits.Where(a => a.StartsOn >= today && a.StartsOn <= horizon))
        {
            var days = audit.StartsOn.DayNumber - today.DayNumber;
            var step = Countdown.Where(t => t >= days).Min();
            announcements.Add(($"audit:{audit.Id:N}:{audit.StartsOn:yyyyMMdd}:{step}", await CountdownCardAsync(audit, today, cancellationToken)));
        }

        foreach (var certified in audits.Where(a => a.CertificateExpiresOn is { } expires && expires >= today && expires <= horizon))
        {
            var expires = certified.CertificateExpiresOn!.Value;
            var booked = audits.Any(a => a.Kind == AuditKind.Iso27001Recertification && a.StartsOn >= today && a.StartsOn <= expires);
            if (!booked)
            {
                var days = expires.DayNumber - today.DayNumber;
                var step = Countdown.Where(t => t >= days).Min();
                announcements.Add(($"certificate:{certified.Id:N}:{expires:yyyyMMdd}:{step}", AnnouncementCards.CertificateExpiring(certified, days)));
            }
        }

        var soc2 = audits.Where(a => a.Framework == Framework.Soc2).ToList();
        var newest = soc2.Where(a => ReportDate(a) < today).MaxBy(ReportDate);
        if (newest is not null && ReportDate(newest) < today.AddMonths(-12) && !soc2.Any(a => a.StartsOn >= today))
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"soc2-stale:{newest.Id:N}:{today:yyyyMM}");
            announcements.Add((key, AnnouncementCards.Soc2ReportAging(newest, ReportDate(newest), today)));
        }

        return await QueueAsync(announcements, channels, cancellationToken);
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
            : await QueueAsync([($"audit:{audit.Id:N}:{audit.StartsOn:yyyyMMdd}:now:{trigger}", await CountdownCardAsync(audit, today, cancellationToken))], channels, cancellationToken);
    }

    private async Task<Card> CountdownCardAsync(Domain.Audit audit, DateOnly today, CancellationToken cancellationToken)
    {
        var open = await db.EvidenceTasks.CountAsync(t => (t.Status == EvidenceTaskStatus.Open || t.Status == EvidenceTaskStatus.Rejected) && t.DueDate <= audit.StartsOn, cancellationToken);
        var overdue = await db.EvidenceTasks.CountAsync(t => (t.Status == EvidenceTaskStatus.Open || t.Status == EvidenceTaskStatus.Rejected) && t.DueDate < today, cancellationToken);
        var waiting = await db.EvidenceTasks.CountAsync(t => t.Status == EvidenceTaskStatus.Submitted, cancellationToken);
        return AnnouncementCards.Countdown(audit, audit.StartsOn.DayNumber - today.DayNumber, open, overdue, waiting);
    }

    private async Task<int> QueueAsync(List<(string Key, Card Card)> announcements, List<ConversationReference> channels, CancellationToken cancellationToken)
    {
        var queued = 0;
        var now = time.GetUtcNow();
        foreach (var (key, card) in announcements)
        {
            foreach (var channel in channels)
            {
                try
                {
                    if (await db.EnqueueAsync($"{key}:{channel.Id:N}", "audit.announcement", card, channel, now, cancellationToken: cancellationToken))
                    {
                        await db.SaveChangesAsync(cancellationToken);
                        queued++;
                    }
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear(); // another instance queued the same announcement first
                }
            }
        }

        return queued;
    }

    /// <summary>The date a SOC 2 report speaks to: a Type 2's period end, a Type 1's as-of date.</summary>
    private static DateOnly ReportDate(Domain.Audit audit) => audit.Kind == AuditKind.Soc2Type2 ? audit.PeriodEnd ?? audit.StartsOn : audit.StartsOn;
}
