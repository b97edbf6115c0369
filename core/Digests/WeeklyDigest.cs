using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Curation;
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
    int HandedOffWaiting)
{
    /// <summary>Questions handed off twice or more lately: worth a knowledge-base entry.</summary>
    public IReadOnlyList<WorthAnEntry> WorthAnEntry { get; init; } = [];
}

/// <summary>
/// A question people keep handing to the compliance team: the same question (normalised) <paramref name="Times"/> times,
/// or, when <paramref name="NearEntry"/> is set, that many different questions whose best guess was that entry.
/// </summary>
public sealed record WorthAnEntry(string Question, int Times, string? NearEntry = null);

/// <summary>
/// The weekly digest for subscribed compliance-lead channels: overdue and due-soon evidence by owner, access-review
/// progress, upcoming audits and the questions the bot could not answer. Built from aggregate queries (never by
/// loading the tasks), and queued once per channel and ISO week.
/// </summary>
public sealed class WeeklyDigest(ComplianceDbContext db, TimeProvider time, CuratedKnowledge? knowledge = null)
{
    /// <summary>How far back hand-offs count towards "worth an entry".</summary>
    public const int WorthAnEntryDays = 30;

    /// <summary>"Worth an entry" lines shown.</summary>
    public const int WorthAnEntryShown = 5;

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
            [.. reviews.OrderBy(r => r.DueDate).Select(r => new ReviewProgressLine(r.Name, r.DueDate, r.Decided, r.Total))], audits, unanswered, handedOff)
        {
            WorthAnEntry = await WorthAnEntryAsync(cancellationToken),
        };
    }

    /// <summary>
    /// Questions handed off twice or more in the last <see cref="WorthAnEntryDays"/> days: the same question once
    /// normalised (case, punctuation, accents), or different questions whose best guess was the same entry. Questions
    /// already saved as a draft (pending or approved) are left out: a lead is on them.
    /// </summary>
    private async Task<IReadOnlyList<WorthAnEntry>> WorthAnEntryAsync(CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().AddDays(-WorthAnEntryDays);
        var handed = await db.Questions.AsNoTracking().Where(q => q.HandedOffAt != null && q.HandedOffAt >= since)
            .OrderByDescending(q => q.HandedOffAt).Take(1000).Select(q => new { q.Id, q.Text }).ToListAsync(cancellationToken);
        if (handed.Count < 2)
        {
            return [];
        }

        var drafted = await db.KnowledgeDrafts.AsNoTracking().Where(d => d.Status != DraftStatus.Rejected).Select(d => new { d.QuestionId, d.Phrasings }).ToListAsync(cancellationToken);
        var draftedIds = drafted.Where(d => d.QuestionId != null).Select(d => d.QuestionId!.Value).ToHashSet();
        var draftedTexts = drafted.SelectMany(d => DraftRules.Lines(d.Phrasings)).Select(DraftRules.Normalise).ToHashSet(StringComparer.Ordinal);
        var open = handed.Select(q => (q.Text, Key: DraftRules.Normalise(q.Text)))
            .Where((q, i) => q.Key.Length > 0 && !draftedIds.Contains(handed[i].Id) && !draftedTexts.Contains(q.Key)).ToList();

        var lines = new List<WorthAnEntry>();
        var same = open.GroupBy(q => q.Key, StringComparer.Ordinal).Where(g => g.Count() >= 2).ToList();
        lines.AddRange(same.Select(g => new WorthAnEntry(g.First().Text, g.Count())));
        if (knowledge is not null)
        {
            var counted = same.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
            var answerer = await knowledge.RefreshAsync(db, cancellationToken);
            lines.AddRange(open.Where(q => !counted.Contains(q.Key))
                .Select(q => (q.Text, Guess: answerer.Answer(q.Text) is { Abstained: true, Related: [var first, ..] } ? first.Title : null))
                .Where(q => q.Guess is not null)
                .GroupBy(q => q.Guess!, StringComparer.Ordinal)
                .Where(g => g.Count() >= 2)
                .Select(g => new WorthAnEntry(g.First().Text, g.Count(), g.Key)));
        }

        return [.. lines.OrderByDescending(l => l.Times).ThenBy(l => l.Question, StringComparer.Ordinal).Take(WorthAnEntryShown)];
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
            // Written at once, unless another instance queued this week's digest for the channel first.
            queued += await db.QueueNowAsync($"digest:{week}{(trigger is null ? "" : $":now:{trigger}")}:{channel.Id:N}", "digest.weekly", card, channel, time.GetUtcNow(), cancellationToken) ? 1 : 0;
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
