using ChatCompliance.Bot.Web;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Programme;
using Microsoft.AspNetCore.Mvc;

namespace ChatCompliance.Bot.Pages.Programme;

/// <summary>The tasks behind a programme figure.</summary>
internal sealed class TasksModel(ProgrammeLists lists, TimeProvider time) : SignedInPageModel
{
    protected override bool LeadsOnly => true;

    public List<EvidenceTask> Tasks { get; private set; } = [];

    public int Total { get; private set; }

    public string Description { get; private set; } = "All tasks";

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task OnGetAsync(EvidenceTaskStatus? status, Guid? owner, Guid? control, DateOnly? overdueOn, CancellationToken cancellationToken)
    {
        (Tasks, Total) = await lists.TasksAsync(new TaskFilter(status, owner, control, overdueOn), cancellationToken);
        var parts = new List<string>();
        if (status is { } s) { parts.Add($"status {s}"); }
        if (owner is not null) { parts.Add("one owner"); }
        if (control is not null) { parts.Add("one control"); }
        if (overdueOn is { } d) { parts.Add($"overdue at the end of {d:d MMM yyyy}"); }
        Description = parts.Count == 0 ? "All tasks" : "Tasks: " + string.Join(", ", parts);
    }
}

/// <summary>The controls behind a heat-map cell or row.</summary>
internal sealed class ControlsModel(ProgrammeLists lists) : SignedInPageModel
{
    protected override bool LeadsOnly => true;

    public List<ControlFreshness> Controls { get; private set; } = [];

    public string Description { get; private set; } = "All controls";

    public async Task OnGetAsync(string? framework, string? group, Freshness? freshness, CancellationToken cancellationToken)
    {
        Controls = await lists.ControlsAsync(framework, group, freshness, cancellationToken);
        Description = $"Controls{(group is null ? "" : $" in {group}")}{(freshness is null ? "" : $", {freshness}")}";
    }
}

/// <summary>Unanswered or handed-off questions.</summary>
internal sealed class QuestionsModel(ProgrammeLists lists) : SignedInPageModel
{
    protected override bool LeadsOnly => true;

    public List<Question> Questions { get; private set; } = [];

    public int Total { get; private set; }

    public QuestionStatus Status { get; private set; }

    public async Task OnGetAsync(QuestionStatus status = QuestionStatus.HandedOff, CancellationToken cancellationToken = default)
    {
        Status = status;
        (Questions, Total) = await lists.QuestionsAsync(status, cancellationToken);
    }
}

/// <summary>One access-review campaign's accounts.</summary>
internal sealed class CampaignModel(ProgrammeLists lists) : SignedInPageModel
{
    protected override bool LeadsOnly => true;

    public AccessReviewCampaign Campaign { get; private set; } = null!;

    public List<AccessReviewItem> Items { get; private set; } = [];

    public ReviewDecision? Decision { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, ReviewDecision? decision, CancellationToken cancellationToken)
    {
        if (await lists.CampaignAsync(id, decision, cancellationToken) is not { } found)
        {
            return NotFound();
        }

        (Campaign, Items, Decision) = (found.Campaign, found.Items, decision);
        return Page();
    }
}
