using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Programme;

/// <summary>Which tasks a programme figure stands for; every filter is optional.</summary>
/// <param name="Status">Only tasks in this status.</param>
/// <param name="OwnerId">Only this owner's tasks.</param>
/// <param name="ControlId">Only this control's tasks.</param>
/// <param name="OverdueOn">Only tasks that were overdue (past due, not handed in) at the end of this day.</param>
public sealed record TaskFilter(EvidenceTaskStatus? Status = null, Guid? OwnerId = null, Guid? ControlId = null, DateOnly? OverdueOn = null);

/// <summary>The lists behind the programme's figures, each capped at <see cref="Limit"/> rows (the total is returned too).</summary>
public sealed class ProgrammeLists(ComplianceDbContext db, ProgrammeOverview overview, TimeProvider time)
{
    /// <summary>Rows a list shows at most.</summary>
    public const int Limit = 500;

    /// <summary>Tasks matching <paramref name="filter"/>, soonest due first, with their controls and people.</summary>
    public async Task<(List<EvidenceTask> Tasks, int Total)> TasksAsync(TaskFilter filter, CancellationToken cancellationToken = default)
    {
        var tasks = db.EvidenceTasks.AsQueryable();
        if (filter.Status is { } status)
        {
            tasks = tasks.Where(t => t.Status == status);
        }

        if (filter.OwnerId is { } owner)
        {
            tasks = tasks.Where(t => t.OwnerId == owner);
        }

        if (filter.ControlId is { } control)
        {
            tasks = tasks.Where(t => t.ControlId == control);
        }

        if (filter.OverdueOn is { } day)
        {
            var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            tasks = tasks.Where(t => t.DueDate < day && t.CreatedAt < end && (t.SubmittedAt == null || t.SubmittedAt >= end));
        }

        var total = await tasks.CountAsync(cancellationToken);
        var shown = await tasks.WithControlAndPeople().AsNoTracking().OrderBy(t => t.DueDate).ThenBy(t => t.Title).Take(Limit).ToListAsync(cancellationToken);
        return (shown, total);
    }

    /// <summary>Controls in a heat-map group (<c>soc2</c> or <c>iso</c> with its key), optionally of one freshness; all controls without a group.</summary>
    public async Task<List<ControlFreshness>> ControlsAsync(string? framework, string? group, Freshness? freshness, CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var controls = await overview.FreshnessAsync(today, cancellationToken);
        Func<ControlFreshness, IEnumerable<(string Key, string Name)>>? groups = framework switch
        {
            "soc2" => ProgrammeOverview.Soc2Groups,
            "iso" => ProgrammeOverview.IsoThemes,
            _ => null,
        };
        return [.. controls.Where(c => (groups is null || group is null || groups(c).Any(g => g.Key == group)) && (freshness is null || c.Freshness == freshness))];
    }

    /// <summary>Questions in <paramref name="status"/>, newest first.</summary>
    public async Task<(List<Question> Questions, int Total)> QuestionsAsync(QuestionStatus status, CancellationToken cancellationToken = default)
    {
        var questions = db.Questions.Where(q => q.Status == status);
        var total = await questions.CountAsync(cancellationToken);
        return (await questions.AsNoTracking().OrderByDescending(q => q.AskedAt).Take(Limit).ToListAsync(cancellationToken), total);
    }

    /// <summary>A campaign and its accounts (optionally of one decision), by name; null when there is no such campaign.</summary>
    public async Task<(AccessReviewCampaign Campaign, List<AccessReviewItem> Items)?> CampaignAsync(Guid id, ReviewDecision? decision, CancellationToken cancellationToken = default)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        var items = db.AccessReviewItems.Include(i => i.Reviewer).AsNoTracking().Where(i => i.CampaignId == id);
        if (decision is { } d)
        {
            items = items.Where(i => i.Decision == d);
        }

        return (campaign, [.. (await items.Take(5000).ToListAsync(cancellationToken)).OrderBy(i => i.SubjectDisplayName, StringComparer.OrdinalIgnoreCase).Take(Limit)]);
    }
}
