using System.Globalization;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;

namespace ChatCompliance.Core.Cards;

/// <summary>
/// The evidence chaser's cards: reminders are the owner's task card (or the reviewer's page) under a notice saying
/// how near or late the due date is; escalations are short read-only cards telling a manager or a compliance lead
/// whose work is late, so they can follow it up.
/// </summary>
public static class ChaserCards
{
    /// <summary>How the due date stands on <paramref name="today"/>: "Due in 3 days", "Due today", "2 days overdue".</summary>
    public static string DueNotice(DateOnly dueDate, DateOnly today)
    {
        var days = dueDate.DayNumber - today.DayNumber;
        return days switch
        {
            > 1 => $"Due in {days} days",
            1 => "Due tomorrow",
            0 => "Due today",
            -1 => "1 day overdue",
            _ => $"{-days} days overdue",
        };
    }

    /// <summary>The owner's (or delegate's) reminder: their task card with the notice on top.</summary>
    public static Card TaskReminder(EvidenceTask task, DateOnly today)
    {
        var notice = DueNotice(task.DueDate, today);
        var card = TaskCards.Owner(task, today);
        return card with
        {
            Body = [new TextElement($"⏰ {notice}: please submit the evidence, or ask for an extension.", TextStyle.Warning), .. card.Body],
            FallbackText = $"{notice}: {card.FallbackText}",
        };
    }

    /// <summary>The manager's or compliance lead's read-only card about an overdue task.</summary>
    public static Card TaskEscalation(EvidenceTask task, ChaseTarget target, DateOnly today)
    {
        var owner = task.Owner?.DisplayName ?? "The owner";
        var control = task.Control?.Code ?? "a control";
        var notice = DueNotice(task.DueDate, today);
        var lateness = notice.EndsWith("overdue", StringComparison.Ordinal) ? notice : notice.ToLowerInvariant();
        List<Fact> facts =
        [
            new("Task", CardText.Escape(task.Title)),
            new("Control", task.Control is { } c ? $"{CardText.Escape(c.Code)}: {CardText.Escape(c.Title)}" : ""),
            new("Owner", task.Owner is { } o ? $"{CardText.Escape(o.DisplayName)} ({CardText.Escape(o.Email)})" : ""),
        ];
        if (task.Delegate is { } d)
        {
            facts.Add(new Fact("Delegate", $"{CardText.Escape(d.DisplayName)} ({CardText.Escape(d.Email)})"));
        }

        facts.Add(new Fact("Due", $"{task.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (**{lateness}**)"));
        facts.Add(new Fact("Status", task.Status == EvidenceTaskStatus.Rejected || task.DecidedAt is not null ? "Returned, open" : "Open"));
        return new Card(
            new CardHeader($"Overdue evidence: {CardText.Escape(task.Title)}", $"Escalation · {lateness}"),
            [
                new TextElement($"**{CardText.Escape(owner)}**'s evidence for **{CardText.Escape(control)}** is **{lateness}**; the reminders got no answer.", TextStyle.Warning),
                new FactsElement(facts),
                new TextElement(Why(target, owner), TextStyle.Subtle),
            ],
            $"{owner}'s evidence for {control} ({task.Title}) is {lateness}.");
    }

    /// <summary>The reviewer's reminder: their page with the notice on top.</summary>
    public static Card ReviewReminder(ReviewPage page, DateOnly today)
    {
        var open = page.Total - page.Decided;
        var notice = $"⏰ {DueNotice(page.Campaign.DueDate, today)}: {open} of {page.Total} account(s) still to decide. Undecided accounts {UndecidedText(page.Campaign)} when the review closes.";
        var card = ReviewCards.ReviewerPage(page, notice);
        return card with { FallbackText = $"{DueNotice(page.Campaign.DueDate, today)}: {card.FallbackText}" };
    }

    /// <summary>The manager's read-only card about a reviewer with accounts still undecided on the due day.</summary>
    public static Card ReviewEscalation(AccessReviewCampaign campaign, Person reviewer, int open, int total, DateOnly today)
    {
        var notice = DueNotice(campaign.DueDate, today);
        var when = notice.EndsWith("overdue", StringComparison.Ordinal) ? notice : notice.ToLowerInvariant();
        return new Card(
            new CardHeader($"Access review: {CardText.Escape(campaign.Name)}", $"Escalation · {when}"),
            [
                new TextElement($"**{CardText.Escape(reviewer.DisplayName)}** still has **{open} of {total}** account(s) to decide in this access review, {when}.", TextStyle.Warning),
                new FactsElement(
                [
                    new Fact("Resource", CardText.Escape(ReviewCards.ResourceText(campaign))),
                    new Fact("Reviewer", $"{CardText.Escape(reviewer.DisplayName)} ({CardText.Escape(reviewer.Email)})"),
                    new Fact("Due", campaign.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    new Fact("Undecided accounts", $"{UndecidedText(campaign)} when the review closes"),
                ]),
                new TextElement(Why(ChaseTarget.Manager, reviewer.DisplayName), TextStyle.Subtle),
            ],
            $"{reviewer.DisplayName} has {open} of {total} accounts to decide in the access review {campaign.Name}, {when}.");
    }

    private static string Why(ChaseTarget target, string name) => target == ChaseTarget.Manager
        ? $"You get this as {CardText.Escape(name)}'s manager. Nothing to click here: a word with them is enough."
        : "You get this as a compliance lead. Nothing to click here: follow it up with the owner, or extend or reassign the task.";

    private static string UndecidedText(AccessReviewCampaign campaign) => campaign.UndecidedRule == UndecidedRule.ApplyRecommendation
        ? "follow the recommendation"
        : "keep their access unchanged";
}
