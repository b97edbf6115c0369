using System.Globalization;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Web;

/// <summary>An account waiting for the person's decision, in its campaign.</summary>
internal sealed record MyReviewItem(AccessReviewItem Item, AccessReviewCampaign Campaign);

/// <summary>What My compliance shows: the person's open tasks, their undecided accounts, their recent questions.</summary>
internal sealed record MyWork(IReadOnlyList<EvidenceTask> Tasks, IReadOnlyList<MyReviewItem> Reviews, IReadOnlyList<Question> Questions, DateOnly Today)
{
    public IEnumerable<IGrouping<AccessReviewCampaign, MyReviewItem>> Campaigns => Reviews.GroupBy(r => r.Campaign, r => r, CampaignById.Instance);

    private sealed class CampaignById : IEqualityComparer<AccessReviewCampaign>
    {
        public static readonly CampaignById Instance = new();

        public bool Equals(AccessReviewCampaign? x, AccessReviewCampaign? y) => x?.Id == y?.Id;

        public int GetHashCode(AccessReviewCampaign obj) => obj.Id.GetHashCode();
    }
}

/// <summary>How a page action ended: the sentence to show and the HTTP status of the page that shows it.</summary>
internal sealed record PageOutcome(int Status, string Message)
{
    public bool Succeeded => Status == StatusCodes.Status200OK;

    public static PageOutcome From(TaskOutcome outcome) => new(outcome.Kind switch
    {
        TaskOutcomeKind.Done => StatusCodes.Status200OK,
        TaskOutcomeKind.Refused => StatusCodes.Status403Forbidden,
        TaskOutcomeKind.NotFound => StatusCodes.Status404NotFound,
        TaskOutcomeKind.Invalid or TaskOutcomeKind.NeedsConfirmation => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status409Conflict,
    }, outcome.Message.Text);

    public static PageOutcome From(ReviewOutcome outcome) => new(outcome.Kind switch
    {
        ReviewOutcomeKind.Done => StatusCodes.Status200OK,
        ReviewOutcomeKind.Refused => StatusCodes.Status403Forbidden,
        ReviewOutcomeKind.NotFound => StatusCodes.Status404NotFound,
        ReviewOutcomeKind.Invalid => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status409Conflict,
    }, outcome.Message.Text);

    public static PageOutcome Invalid(string message) => new(StatusCodes.Status400BadRequest, message);
}

/// <summary>
/// My compliance: reads the signed-in person's work, and acts on it through the same commands as the chat cards
/// (<see cref="EvidenceTaskService.ActAsync"/> for tasks: the command, the cards queued for whoever acts next and every
/// posted copy updated; <see cref="ReviewDecisions"/> and <see cref="CampaignCompletion"/> for reviews). The person is
/// always the signed-in one; ids in a form only name what to act on, and the commands check the person may.
/// </summary>
internal sealed class MyCompliance(ComplianceDbContext db, EvidenceTaskService tasks, ReviewDecisions reviews, CampaignCompletion completion, TimeProvider time)
{
    /// <summary>Recent questions shown.</summary>
    public const int QuestionCount = 10;

    /// <summary>Undecided accounts shown at most.</summary>
    public const int ReviewLimit = 500;

    public async Task<MyWork> ReadAsync(Person me, CancellationToken cancellationToken)
    {
        var open = await db.EvidenceTasks.WithControlAndPeople().AsNoTracking()
            .Where(t => (t.OwnerId == me.Id || t.DelegateId == me.Id) && t.Status != EvidenceTaskStatus.Accepted)
            .OrderBy(t => t.DueDate).ThenBy(t => t.Title).Take(500).ToListAsync(cancellationToken);
        var items = await db.AccessReviewItems.Include(i => i.Campaign).AsNoTracking()
            .Where(i => i.ReviewerId == me.Id && i.Campaign!.Status == CampaignStatus.Running && (i.Decision == ReviewDecision.Undecided || i.Decision == ReviewDecision.NotSure))
            .OrderBy(i => i.Campaign!.DueDate).ThenBy(i => i.SubjectDisplayName).Take(ReviewLimit).ToListAsync(cancellationToken);
        var questions = await db.Questions.AsNoTracking().Where(q => q.AskedById == me.Id).OrderByDescending(q => q.AskedAt).Take(QuestionCount).ToListAsync(cancellationToken);
        return new MyWork(open, [.. items.Select(i => new MyReviewItem(i, i.Campaign!))], questions, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
    }

    /// <summary>A task action from the page's form, as the signed-in person.</summary>
    public async Task<PageOutcome> ActAsync(Person me, Guid taskId, int version, TaskCommand? command, CancellationToken cancellationToken)
    {
        if (command is null)
        {
            return PageOutcome.Invalid("Please fill in the form's required fields (dates as yyyy-mm-dd).");
        }

        return PageOutcome.From(await tasks.ActAsync(taskId, version, Actor(me), command, cancellationToken: cancellationToken));
    }

    /// <summary>A decision on one account, as the signed-in reviewer; the campaign completes when it was the last.</summary>
    public async Task<PageOutcome> DecideAsync(Person me, Guid itemId, int version, string? decision, string? justification, CancellationToken cancellationToken)
    {
        var chosen = decision switch
        {
            "keep" => ReviewDecision.Keep,
            "revoke" => ReviewDecision.Revoke,
            "not_sure" => ReviewDecision.NotSure,
            _ => ReviewDecision.Undecided,
        };
        var outcome = await reviews.DecideAsync(itemId, version, Actor(me), chosen, justification, cancellationToken);
        if (outcome.Succeeded)
        {
            await completion.CompleteIfDecidedAsync(outcome.Campaign!.Id, cancellationToken);
        }

        return PageOutcome.From(outcome);
    }

    /// <summary>The signed-in reviewer hands their undecided accounts in a campaign to someone else.</summary>
    public async Task<PageOutcome> HandOverReviewAsync(Person me, Guid campaignId, string? email, string? reason, CancellationToken cancellationToken) =>
        PageOutcome.From(await reviews.DelegateAsync(campaignId, Actor(me), email?.Trim() ?? "", reason, cancellationToken));

    /// <summary>The command a task form asks for; null when a required field is missing or a date is not yyyy-mm-dd.</summary>
    public static TaskCommand? Command(string? action, IFormCollection form)
    {
        string? Text(string key) => form[key].ToString() is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        DateOnly? Date(string key) => DateOnly.TryParseExact(Text(key), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        bool DateOk(string key) => Text(key) is null || Date(key) is not null;
        return action switch
        {
            "submit" when Text("url") is { } url && DateOk("from") && DateOk("to") => new SubmitEvidence(url, Text("note"), Date("from"), Date("to")),
            "done" when Text("comment") is { } comment => new MarkDone(comment),
            "extend" when Date("due") is { } due && Text("reason") is { } reason => new RequestExtension(due, reason),
            "handover" when Text("email") is { } email => new Reassign(email, Text("reason")),
            _ => null,
        };
    }

    private static TaskActor Actor(Person me) => new(me, Platform.Web);
}
