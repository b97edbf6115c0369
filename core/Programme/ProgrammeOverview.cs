using System.Linq.Expressions;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Programme;

/// <summary>How current a control's evidence is.</summary>
public enum Freshness
{
    /// <summary>Accepted evidence within the control's period, and nothing due within <see cref="ProgrammeOverview.DueSoonDays"/> days.</summary>
    Fresh,
    /// <summary>An open task, or the accepted evidence's period, ends within <see cref="ProgrammeOverview.DueSoonDays"/> days.</summary>
    DueSoon,
    /// <summary>An open task is past its due date, or the accepted evidence is older than the control's period.</summary>
    Overdue,
    /// <summary>No evidence was ever accepted, and nothing is overdue.</summary>
    Never,
}

/// <summary>One control in the heat map.</summary>
public sealed record ControlFreshness(Guid Id, string Code, string Title, Freshness Freshness, DateTimeOffset? LastAccepted, DateOnly? NextDue,
    IReadOnlyList<string> Soc2Refs, IReadOnlyList<string> Iso27001Refs);

/// <summary>A row of the heat map: a SOC 2 criterion group (<c>CC6</c>) or an ISO/IEC 27001 Annex A theme, with its controls.</summary>
public sealed record FreshnessGroup(string Key, string Name, IReadOnlyList<ControlFreshness> Controls)
{
    /// <summary>How many of the group's controls are in <paramref name="freshness"/>.</summary>
    public int Count(Freshness freshness) => Controls.Count(c => c.Freshness == freshness);
}

/// <summary>Open and closed tasks of one owner, by status.</summary>
public sealed record OwnerTasks(Guid OwnerId, string Owner, IReadOnlyDictionary<EvidenceTaskStatus, int> ByStatus, int Overdue);

/// <summary>How many tasks were overdue at the end of a week (the week ending on <see cref="WeekEnding"/>, a Sunday).</summary>
public sealed record OverduePoint(DateOnly WeekEnding, int Overdue);

/// <summary>An access-review campaign's progress.</summary>
public sealed record CampaignProgress(Guid Id, string Name, CampaignStatus Status, DateOnly DueDate, int Items, int Decided, int Revoked)
{
    /// <summary>Decided share, 0–100.</summary>
    public int Percent => Items == 0 ? 100 : (int)Math.Floor(100.0 * Decided / Items);
}

/// <summary>An external audit ahead, with the days left.</summary>
public sealed record AuditCountdown(Guid Id, string Name, AuditKind Kind, DateOnly StartsOn, int DaysLeft);

/// <summary>The audit chain's last anchor (written only after the chain verified intact), when there is one.</summary>
public sealed record ChainStatus(AuditAnchor? LastAnchor, string? Problem);

/// <summary>Everything the programme page shows, computed in six grouped queries.</summary>
public sealed record ProgrammeSnapshot(
    DateOnly Today,
    IReadOnlyList<FreshnessGroup> BySoc2,
    IReadOnlyList<FreshnessGroup> ByIso27001,
    IReadOnlyDictionary<Freshness, int> Controls,
    IReadOnlyDictionary<EvidenceTaskStatus, int> TasksByStatus,
    IReadOnlyList<OwnerTasks> TasksByOwner,
    IReadOnlyList<OverduePoint> OverdueTrend,
    IReadOnlyList<CampaignProgress> Campaigns,
    IReadOnlyList<AuditCountdown> Audits,
    int Unanswered,
    int HandedOff,
    ChainStatus Chain);

/// <summary>
/// The programme's figures for leads: evidence freshness per control (grouped by SOC 2 criterion and ISO/IEC 27001 Annex A
/// theme), tasks by status and owner, the overdue trend, access-review progress, audit countdowns, open questions and
/// the audit chain's last anchor. Reads only; each figure has a list behind it (<see cref="ProgrammeLists"/>).
/// </summary>
public sealed class ProgrammeOverview(ComplianceDbContext db, IOptions<AuditOptions> audit, TimeProvider time)
{
    /// <summary>Evidence due within this many days is "due soon".</summary>
    public const int DueSoonDays = 14;

    /// <summary>Weeks in the overdue trend.</summary>
    public const int TrendWeeks = 12;

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>The whole snapshot: six grouped queries, none of which brings tasks into memory.</summary>
    public async Task<ProgrammeSnapshot> ReadAsync(CancellationToken cancellationToken = default)
    {
        var today = Today;
        var controls = await FreshnessAsync(today, cancellationToken);
        var byOwner = await TasksByOwnerAsync(today, cancellationToken);
        var byStatus = byOwner.SelectMany(o => o.ByStatus).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        var trend = await OverdueTrendAsync(today, cancellationToken);
        var campaigns = await CampaignsAsync(today, cancellationToken);
        var audits = await db.Audits.AsNoTracking().Where(a => a.StartsOn >= today).OrderBy(a => a.StartsOn).Take(10)
            .Select(a => new AuditCountdown(a.Id, a.Name, a.Kind, a.StartsOn, 0)).ToListAsync(cancellationToken);
        var questions = await db.Questions.Where(q => q.Status == QuestionStatus.Abstained || q.Status == QuestionStatus.HandedOff)
            .GroupBy(q => q.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return new ProgrammeSnapshot(today, Group(controls, Soc2Groups), Group(controls, IsoThemes),
            Enum.GetValues<Freshness>().ToDictionary(f => f, f => controls.Count(c => c.Freshness == f)),
            byStatus, byOwner, trend, campaigns, [.. audits.Select(a => a with { DaysLeft = a.StartsOn.DayNumber - today.DayNumber })],
            questions.GetValueOrDefault(QuestionStatus.Abstained), questions.GetValueOrDefault(QuestionStatus.HandedOff), Chain());
    }

    /// <summary>
    /// Every control with the freshness of its evidence, by code: one query, the tasks grouped by control in the database
    /// and joined to the controls (not a subquery per control: without statistics SQLite would run those through the status index).
    /// </summary>
    public async Task<List<ControlFreshness>> FreshnessAsync(DateOnly today, CancellationToken cancellationToken = default)
    {
        var perControl = db.EvidenceTasks.GroupBy(t => t.ControlId).Select(g => new
        {
            ControlId = g.Key,
            Last = g.Max(t => t.Status == EvidenceTaskStatus.Accepted ? t.DecidedAt : null),
            Due = g.Min(t => t.Status != EvidenceTaskStatus.Accepted ? (DateOnly?)t.DueDate : null),
        });
        var controls = await (
            from c in db.Controls.AsNoTracking()
            join a in perControl on c.Id equals a.ControlId into tasks
            from a in tasks.DefaultIfEmpty()
            orderby c.Code
            select new { c.Id, c.Code, c.Title, c.Soc2Refs, c.Iso27001Refs, c.Frequency, a.Last, a.Due }).ToListAsync(cancellationToken);
        return [.. controls.Select(c => new ControlFreshness(c.Id, c.Code, c.Title, Classify(c.Frequency, c.Last, c.Due, today), c.Last, c.Due, c.Soc2Refs, c.Iso27001Refs))];
    }

    /// <summary>
    /// Overdue when an open task is past due or accepted evidence is older than the control's period; due soon when either
    /// ends within <see cref="DueSoonDays"/>; never when nothing was accepted; else fresh. On-demand evidence does not age.
    /// </summary>
    public static Freshness Classify(EvidenceFrequency frequency, DateTimeOffset? lastAccepted, DateOnly? nextDue, DateOnly today)
    {
        DateOnly? expires = lastAccepted is { } at && Period(frequency) is { } days ? DateOnly.FromDateTime(at.UtcDateTime).AddDays(days) : null;
        if (nextDue < today || expires < today)
        {
            return Freshness.Overdue;
        }

        if (nextDue <= today.AddDays(DueSoonDays) || expires <= today.AddDays(DueSoonDays))
        {
            return Freshness.DueSoon;
        }

        return lastAccepted is null ? Freshness.Never : Freshness.Fresh;
    }

    private static int? Period(EvidenceFrequency frequency) => frequency switch
    {
        EvidenceFrequency.Monthly => 31,
        EvidenceFrequency.Quarterly => 92,
        EvidenceFrequency.Annual => 366,
        _ => null,
    };

    /// <summary>Tasks counted by owner and status in the database, with the owner's name joined in: one query.</summary>
    private async Task<List<OwnerTasks>> TasksByOwnerAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var rows = await db.EvidenceTasks.GroupBy(t => new { t.OwnerId, t.Status })
            .Select(g => new { g.Key.OwnerId, g.Key.Status, Count = g.Count(), Overdue = g.Count(t => t.DueDate < today) })
            .Join(db.People, r => r.OwnerId, p => p.Id, (r, p) => new { r.OwnerId, p.DisplayName, r.Status, r.Count, r.Overdue })
            .ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => (r.OwnerId, r.DisplayName))
            .Select(g => new OwnerTasks(g.Key.OwnerId, g.Key.DisplayName, g.ToDictionary(r => r.Status, r => r.Count),
                g.Where(r => r.Status is EvidenceTaskStatus.Open or EvidenceTaskStatus.Rejected).Sum(r => r.Overdue)))
            .OrderByDescending(o => o.Overdue).ThenBy(o => o.Owner, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The Sundays ending the last <see cref="TrendWeeks"/> weeks, oldest first (the last one is today's week's end, counted as of today).</summary>
    public static IReadOnlyList<DateOnly> TrendWeekEnds(DateOnly today)
    {
        var sunday = today.AddDays((7 - (int)today.DayOfWeek) % 7);
        return [.. Enumerable.Range(0, TrendWeeks).Select(i => sunday.AddDays(-7 * (TrendWeeks - 1 - i)))];
    }

    /// <summary>
    /// A task counts as overdue at a week's end when it existed, was past due, and had not been handed in (submitted or
    /// marked done) by then. One query: a conditional count per week over the tasks that can have been overdue in the window.
    /// </summary>
    private async Task<List<OverduePoint>> OverdueTrendAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var weeks = TrendWeekEnds(today);
        var since = new DateTimeOffset(weeks[0].AddDays(-7).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var group = Expression.Parameter(typeof(IGrouping<int, EvidenceTask>), "g");
        var counts = weeks.Select(week => Expression.Call(typeof(Enumerable), nameof(Enumerable.Count), [typeof(EvidenceTask)], group, OverdueAt(week > today ? today : week)));
        var perWeek = Expression.Lambda<Func<IGrouping<int, EvidenceTask>, int[]>>(Expression.NewArrayInit(typeof(int), counts), group);
        var row = await db.EvidenceTasks.Where(t => t.DueDate < today && (t.SubmittedAt == null || t.SubmittedAt >= since))
            .GroupBy(t => 1).Select(perWeek).FirstOrDefaultAsync(cancellationToken) ?? new int[weeks.Count];
        return [.. weeks.Select((week, i) => new OverduePoint(week, row[i]))];
    }

    private static Expression<Func<EvidenceTask, bool>> OverdueAt(DateOnly asOf)
    {
        var end = new DateTimeOffset(asOf.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return t => t.DueDate < asOf && t.CreatedAt < end && (t.SubmittedAt == null || t.SubmittedAt >= end);
    }

    /// <summary>Recent and running campaigns with their items counted per campaign in the database: one query.</summary>
    private async Task<List<CampaignProgress>> CampaignsAsync(DateOnly today, CancellationToken cancellationToken)
    {
        var recent = today.AddDays(-90);
        return await db.AccessReviewCampaigns.AsNoTracking()
            .Where(c => c.Status == CampaignStatus.Running || (c.Status == CampaignStatus.Completed && c.DueDate >= recent))
            .OrderBy(c => c.Status).ThenBy(c => c.DueDate)
            .Select(c => new CampaignProgress(c.Id, c.Name, c.Status, c.DueDate,
                db.AccessReviewItems.Count(i => i.CampaignId == c.Id),
                db.AccessReviewItems.Count(i => i.CampaignId == c.Id && (i.Decision == ReviewDecision.Keep || i.Decision == ReviewDecision.Revoke)),
                db.AccessReviewItems.Count(i => i.CampaignId == c.Id && i.Decision == ReviewDecision.Revoke)))
            .ToListAsync(cancellationToken);
    }

    private ChainStatus Chain()
    {
        try
        {
            var path = audit.Value.AnchorFile;
            var anchors = path is null ? [] : AuditAnchorFile.Read(path);
            return new ChainStatus(anchors.Count == 0 ? null : anchors[^1].Anchor, null);
        }
        catch (AuditAnchorFileException e)
        {
            return new ChainStatus(null, e.Message);
        }
    }

    /// <summary>The SOC 2 criterion groups (<c>CC6.2</c> → <c>CC6</c>) a control's references fall in.</summary>
    public static IEnumerable<(string Key, string Name)> Soc2Groups(ControlFreshness control) =>
        control.Soc2Refs.Select(r => r.Trim().ToUpperInvariant()).Select(r => r.Split('.')[0]).Where(k => k.Length > 0).Distinct()
            .Select(k => (k, Soc2Names.TryGetValue(k, out var name) ? $"{k} {name}" : k));

    /// <summary>The ISO/IEC 27001:2022 Annex A themes (A.5–A.8), or the clauses (4–10), a control's references fall in.</summary>
    public static IEnumerable<(string Key, string Name)> IsoThemes(ControlFreshness control) =>
        control.Iso27001Refs.Select(r => r.Trim().ToUpperInvariant()).Select(r => r.StartsWith("A.", StringComparison.Ordinal) ? "A." + r[2..].Split('.')[0] : "Clauses")
            .Distinct().Select(k => (k, IsoNames.TryGetValue(k, out var name) ? $"{k} {name}" : k));

    private static List<FreshnessGroup> Group(List<ControlFreshness> controls, Func<ControlFreshness, IEnumerable<(string Key, string Name)>> groups) =>
        [.. controls.SelectMany(c => groups(c).Select(g => (g.Key, g.Name, Control: c)))
            .GroupBy(x => (x.Key, x.Name))
            .OrderBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new FreshnessGroup(g.Key.Key, g.Key.Name, [.. g.Select(x => x.Control)]))];

    private static readonly Dictionary<string, string> Soc2Names = new(StringComparer.Ordinal)
    {
        ["CC1"] = "Control environment",
        ["CC2"] = "Communication and information",
        ["CC3"] = "Risk assessment",
        ["CC4"] = "Monitoring activities",
        ["CC5"] = "Control activities",
        ["CC6"] = "Logical and physical access",
        ["CC7"] = "System operations",
        ["CC8"] = "Change management",
        ["CC9"] = "Risk mitigation",
        ["A1"] = "Availability",
        ["C1"] = "Confidentiality",
        ["PI1"] = "Processing integrity",
        ["P1"] = "Privacy",
    };

    private static readonly Dictionary<string, string> IsoNames = new(StringComparer.Ordinal)
    {
        ["A.5"] = "Organizational controls",
        ["A.6"] = "People controls",
        ["A.7"] = "Physical controls",
        ["A.8"] = "Technological controls",
        ["Clauses"] = "Management system clauses (4–10)",
    };
}

/// <summary>Registration of the programme figures.</summary>
public static class ProgrammeExtensions
{
    /// <summary>The programme overview and its lists; needs the store and the audit settings.</summary>
    public static IHostApplicationBuilder AddProgrammeOverview(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProgrammeOverview>();
        builder.Services.AddScoped<ProgrammeLists>();
        return builder;
    }
}
