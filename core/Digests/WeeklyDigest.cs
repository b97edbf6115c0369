using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Digests;

/// <summary>How many tasks one owner has in a bucket.</summary>
public sealed record OwnerCount(string Name, int Count);

/// <summary>A running access review's progress.</summary>
public sealed record ReviewProgressLine(string Name, DateOnly DueDate, int Decided, int Total);

/// <summary>An audit on the calendar.</summary>
public sealed record UpcomingAudit(string Name, AuditKind Kind, DateOnly StartsOn);

/// <summary>The week in figures, for compliance leads: aggregates and names only.</summary>
public sealed record DigestFigures(
    DateOnly Today,
    int OverdueTotal,
    IReadOnlyList<OwnerCount> OverdueByOwner,
    int DueSoonTotal,
    IReadOnlyList<OwnerCount> DueSoonByOwner,
    int WaitingForLead,
    IReadOnlyList<ReviewProgressLine> Reviews,
    IReadOnlyList<UpcomingAudit> Audits,
    int UnansweredLastWeek,
    int HandedOffWaiting);

/// <summary>
/// The weekly digest for subscribed compliance-lead channels: overdue and due-soon evidence by owner, access-review
/// progress, upcoming audits and the questions the bot could not answer. Built from aggregate queries (never by
/// loading the tasks), and queued once per channel and ISO week.
/// </summary>
public sealed class WeeklyDigest(ComplianceDbContext db, TimeProvider time)
{
    /// <summary>Owners named per bucket; the rest are counted.</summary>
    public const int OwnersShown = 8;

    /// <summary>"Due soon" is the next two weeks.</summary>
    public const int DueSoonDays = 14;

    /// <summary>The figures as of <paramref name="today"/> (the company's date).</summary>
    public async Task<DigestFigures> BuildAsync(DateOnly today, CancellationToken cancellationToken = default)
    {
        var open = db.EvidenceTasks.AsNoTracking().Where(t => t.Status == EvidenceTaskStatus.Open || t.Status == EvidenceTaskStatus.Rejected);
        var (overdueTotal, overdue) = await ByOwnerAsync(open.Where(t => t.DueDate < today), cancellationToken);
        var soon = today.AddDays(DueSoonDays);
        var (dueSoonTotal, dueSoon) = await ByOwnerAsync(open.Where(t => t.DueDate >= today && t.DueDate <= soon), cancellationToken);
        var waiting = await db.EvidenceTasks.CountAsync(t => t.Status == EvidenceTaskStatus.Submitted, cancellationToken);

        var reviews = await db.AccessReviewItems.AsNoTracking()
            .Where(i => i.Campaign!.Status == CampaignStatus.Running)
            .GroupBy(i => new { i.CampaignId, i.Campaign!.Name, i.Campaign.DueDate })
            .Select(g => new { g.Key.Name, g.Key.DueDate, Total = g.Count(), Decided = g.Count(i => i.Decision == ReviewDecision.Keep || i.Decision == ReviewDecision.Revoke) })
            .ToListAsync(cancellationToken);

        var audits = await db.Audits.AsNoTracking().Where(a => a.StartsOn >= today).OrderBy(a => a.StartsOn).Take(5)
            .Select(a => new UpcomingAudit(a.Name, a.Kind, a.StartsOn)).ToListAsync(cancellationToken);

        var weekAgo = time.GetUtcNow().AddDays(-7);
        var unanswered = await db.Questions.CountAsync(q => q.AskedAt >= weekAgo && (q.Status == QuestionStatus.Abstained || q.Status == QuestionStatus.HandedOff), cancellationToken);
        var handedOff = await db.Questions.CountAsync(q => q.Status == QuestionStatus.HandedOff, cancellationToken);

        return new DigestFigures(today, overdueTotal, overdue, dueSoonTotal, dueSoon, waiting,
            [.. reviews.OrderBy(r => r.DueDate).Select(r => new ReviewProgressLine(r.Name, r.DueDate, r.Decided, r.Total))], audits, unanswered, handedOff);
    }

    /// <summary>Queues the digest for every subscribed channel, once per ISO week; returns how many were queued.</summary>
    public Task<int> SendAsync(DateOnly today, IReadOnlyList<CardLink>? links = null, CancellationToken cancellationToken = default) =>
        SendAsync(today, links, trigger: null, cancellationToken);

    /// <summary>
    /// Queues the digest for every subscribed channel: once per ISO week, or, with a <paramref name="trigger"/> (a lead
    /// asked for it now), once per trigger whatever the week already had.
    /// </summary>
    public async Task<int> SendAsync(DateOnly today, IReadOnlyList<CardLink>? links, string? trigger, CancellationToken cancellationToken = default)
    {
        var channels = await db.ChannelSubscriptions.AsNoTracking().Where(s => s.Topic == SubscriptionTopic.Digests)
            .Select(s => s.Conversation!).ToListAsync(cancellationToken);
        if (channels.Count == 0)
        {
            return 0;
        }

        var card = DigestCards.Weekly(await BuildAsync(today, cancellationToken), links);
        var week = string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(today.ToDateTime(TimeOnly.MinValue))}W{ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue)):00}");
        var queued = 0;
        foreach (var channel in channels)
        {
            try
            {
                if (await db.EnqueueAsync($"digest:{week}{(trigger is null ? "" : $":now:{trigger}")}:{channel.Id:N}", "digest.weekly", card, channel, time.GetUtcNow(), cancellationToken: cancellationToken))
                {
                    await db.SaveChangesAsync(cancellationToken);
                    queued++;
                }
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another instance queued this week's digest first
            }
        }

        return queued;
    }

    private async Task<(int Total, List<OwnerCount> Top)> ByOwnerAsync(IQueryable<EvidenceTask> tasks, CancellationToken cancellationToken)
    {
        var counts = await tasks.GroupBy(t => t.OwnerId).Select(g => new { OwnerId = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count).ToListAsync(cancellationToken);
        var top = counts.Take(OwnersShown).ToList();
        var ids = top.Select(t => t.OwnerId).ToList();
        var names = await db.People.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, cancellationToken);
        return (counts.Sum(c => c.Count), [.. top.Select(t => new OwnerCount(names.GetValueOrDefault(t.OwnerId, "someone"), t.Count)).OrderByDescending(o => o.Count).ThenBy(o => o.Name, StringComparer.Ordinal)]);
    }
}
