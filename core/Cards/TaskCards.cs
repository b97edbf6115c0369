using System.Globalization;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Cards;

/// <summary>The forms an owner opens from a task card.</summary>
public static class TaskForms
{
    public const string Submit = "submit";
    public const string Done = "done";
    public const string Extend = "extend";
    public const string Reassign = "reassign";
}

/// <summary>
/// Evidence task cards: the owner's card (what is wanted, by when, with its actions), the forms behind those
/// actions, the compliance lead's card (accept or return evidence, decide extensions and reassignments), and
/// the list behind <c>my tasks</c>. Every action carries the task's version, so a stale card changes nothing.
/// </summary>
public static class TaskCards
{
    /// <summary>The most tasks listed in one <c>my tasks</c> card; the rest are counted.</summary>
    public const int ListLimit = 15;

    /// <summary>The card the owner and delegate see: the task, and while it is open, what they can do.</summary>
    public static Card Owner(EvidenceTask task, DateOnly today)
    {
        List<CardElement> body = [Facts(task, today)];
        if (Notice(task) is { } notice)
        {
            body.Add(new TextElement(notice, TextStyle.Emphasis));
        }

        if (task.EvidenceUrl is { } url && CardLink.IsWebAddress(url))
        {
            body.Add(new LinksElement([new CardLink("Submitted evidence", url)]));
        }

        List<CardButton> actions = task.Status == EvidenceTaskStatus.Open
            ?
            [
                new CardAction(CardVerbs.TaskForm, "Submit evidence", Data(task, (CardDataKeys.Form, TaskForms.Submit)), CardActionStyle.Positive),
                new CardAction(CardVerbs.TaskForm, "Mark done", Data(task, (CardDataKeys.Form, TaskForms.Done))),
                new CardAction(CardVerbs.TaskForm, "Request extension", Data(task, (CardDataKeys.Form, TaskForms.Extend))),
                new CardAction(CardVerbs.TaskForm, "Reassign", Data(task, (CardDataKeys.Form, TaskForms.Reassign))),
            ]
            : [];
        return new Card(Header(task), body, Fallback(task)) { Actions = actions };
    }

    /// <summary>The form behind one of the owner's actions: its fields, Send and Cancel.</summary>
    public static Card Form(EvidenceTask task, string form, DateOnly today)
    {
        var (title, verb, inputs) = form switch
        {
            TaskForms.Submit => ("Submit evidence", CardVerbs.TaskSubmit, new List<CardElement>
            {
                new TextInput(CardDataKeys.EvidenceUrl, "Link to the evidence", "https://…", Required: true, MaxLength: 2000),
                new TextInput(CardDataKeys.Note, "Note for the compliance team (optional)", Multiline: true, MaxLength: 2000),
                new DateInput(CardDataKeys.EffectiveFrom, "Effective date, or start of the period it covers (optional)", Value: task.PeriodStart),
                new DateInput(CardDataKeys.EffectiveTo, "End of the period it covers (optional)", Value: task.PeriodEnd),
            }),
            TaskForms.Done => ("Mark done", CardVerbs.TaskDone, new List<CardElement>
            {
                new TextInput(CardDataKeys.Note, "How was it done?", "For example: reviewed in the HR system on 3 March", Multiline: true, Required: true, MaxLength: 2000),
            }),
            TaskForms.Extend => ("Request extension", CardVerbs.TaskExtend, new List<CardElement>
            {
                new DateInput(CardDataKeys.DueDate, "New due date", Required: true, Value: task.DueDate.AddDays(14)),
                new TextInput(CardDataKeys.Reason, "Reason", Multiline: true, Required: true, MaxLength: 2000),
            }),
            TaskForms.Reassign => ("Reassign", CardVerbs.TaskReassign, new List<CardElement>
            {
                new TextInput(CardDataKeys.Email, "New owner's email", "name@company.com", Required: true, MaxLength: 320),
                new TextInput(CardDataKeys.Reason, "Reason (optional)", Multiline: true, MaxLength: 2000),
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "Unknown task form."),
        };
        return new Card(new CardHeader($"{title}: {CardText.Escape(task.Title)}", Subtitle(task)), [Facts(task, today), .. inputs], $"{title}: {task.Title}")
        {
            Actions =
            [
                new CardAction(verb, "Send", Data(task), CardActionStyle.Positive),
                new CardAction(CardVerbs.TaskShow, "Cancel", Data(task)),
            ],
        };
    }

    /// <summary>The card a compliance lead sees: the evidence and the decisions waiting for them.</summary>
    public static Card Lead(EvidenceTask task, DateOnly today)
    {
        List<CardElement> body = [Facts(task, today)];
        if (task.EvidenceUrl is { } url && CardLink.IsWebAddress(url))
        {
            body.Add(new LinksElement([new CardLink("Open the evidence", url)]));
        }

        if (task.Status == EvidenceTaskStatus.Submitted && task.EvidenceNote is { } note)
        {
            body.Add(new TextElement($"Owner's note: {CardText.Escape(note)}"));
        }

        if (Notice(task) is { } notice)
        {
            body.Add(new TextElement(notice, TextStyle.Emphasis));
        }

        List<CardButton> actions = [];
        var decides = task.Status == EvidenceTaskStatus.Submitted || task.RequestedDueDate is not null || task.ProposedOwnerId is not null;
        if (decides)
        {
            body.Add(new TextInput(CardDataKeys.Reason, "Reason or comment (required to return evidence or decline)", Multiline: true, MaxLength: 2000));
        }

        if (task.Status == EvidenceTaskStatus.Submitted)
        {
            actions.Add(new CardAction(CardVerbs.TaskAccept, "Accept", Data(task), CardActionStyle.Positive));
            actions.Add(new CardAction(CardVerbs.TaskReject, "Return to owner", Data(task), CardActionStyle.Destructive));
        }

        if (task.RequestedDueDate is not null)
        {
            actions.Add(new CardAction(CardVerbs.TaskExtension, "Approve extension", Data(task, (CardDataKeys.Decision, "approve")), CardActionStyle.Positive));
            actions.Add(new CardAction(CardVerbs.TaskExtension, "Decline extension", Data(task, (CardDataKeys.Decision, "decline")), CardActionStyle.Destructive));
        }

        if (task.ProposedOwnerId is not null)
        {
            actions.Add(new CardAction(CardVerbs.TaskReassignment, "Approve reassignment", Data(task, (CardDataKeys.Decision, "approve")), CardActionStyle.Positive));
            actions.Add(new CardAction(CardVerbs.TaskReassignment, "Decline reassignment", Data(task, (CardDataKeys.Decision, "decline")), CardActionStyle.Destructive));
        }

        return new Card(Header(task), body, Fallback(task)) { Actions = actions };
    }

    /// <summary>
    /// <c>my tasks</c>: one page (<see cref="ListLimit"/>) of open tasks, soonest due first, each with its quickest actions
    /// and a way to the full card; <paramref name="page"/> is zero-based, and the pages before and after are a button (or
    /// <c>my tasks 2</c>) away, so no task is ever out of reach.
    /// </summary>
    public static Card List(IReadOnlyList<EvidenceTask> tasks, int total, DateOnly today, int page = 0)
    {
        var rows = tasks.Take(ListLimit).Select(t => new CardRow(
            [$"**{CardText.Escape(t.Title)}** · {CardText.Escape(t.Control?.Code ?? "")}", DueText(t, today) + (Notice(t) is { } n ? $" · {n}" : "")],
            t.Status == EvidenceTaskStatus.Open
                ?
                [
                    new CardAction(CardVerbs.TaskForm, "Submit evidence", Data(t, (CardDataKeys.Form, TaskForms.Submit)), CardActionStyle.Positive),
                    new CardAction(CardVerbs.TaskForm, "Request extension", Data(t, (CardDataKeys.Form, TaskForms.Extend))),
                    new CardAction(CardVerbs.TaskShow, "Open", Data(t)),
                ]
                : [new CardAction(CardVerbs.TaskShow, "Open", Data(t))])).ToList();
        List<CardElement> body = [new RowsElement(rows)];
        var pages = PageCount(total);
        List<CardAction> actions = [];
        if (pages > 1)
        {
            var first = (page * ListLimit) + 1;
            var later = page + 1 < pages ? $" Press **Next page** or type **my tasks {page + 2}** for the next {Math.Min(ListLimit, total - (first - 1) - rows.Count)}." : "";
            body.Add(new TextElement($"Tasks {first}–{first - 1 + rows.Count} of {total}, soonest due first.{later}", TextStyle.Subtle));
            if (page > 0)
            {
                actions.Add(new CardAction(CardVerbs.TaskList, "Previous page", ListPage(page - 1)));
            }

            if (page + 1 < pages)
            {
                actions.Add(new CardAction(CardVerbs.TaskList, "Next page", ListPage(page + 1)));
            }
        }

        var heading = pages > 1 ? $"Your open evidence tasks ({total}) · page {page + 1} of {pages}" : $"Your open evidence tasks ({total})";
        return new Card(new CardHeader(heading), body, $"You have {total} open evidence tasks; the next is due {tasks[0].DueDate:yyyy-MM-dd}.") { Actions = actions };
    }

    /// <summary>How many pages of <see cref="ListLimit"/> tasks <paramref name="total"/> open tasks make.</summary>
    public static int PageCount(int total) => Math.Max(1, (total + ListLimit - 1) / ListLimit);

    private static Dictionary<string, string> ListPage(int page) => new() { [CardDataKeys.Page] = page.ToString(CultureInfo.InvariantCulture) };

    private static CardHeader Header(EvidenceTask task) => new(CardText.Escape(task.Title), Subtitle(task));

    private static string Subtitle(EvidenceTask task) => $"Evidence task · {Status(task)}";

    private static FactsElement Facts(EvidenceTask task, DateOnly today)
    {
        var control = task.Control;
        List<Fact> facts = [new("Control", control is null ? "" : $"{CardText.Escape(control.Code)}: {CardText.Escape(control.Title)}")];
        if (control is { Soc2Refs.Count: > 0 })
        {
            facts.Add(new Fact("SOC 2", string.Join(", ", control.Soc2Refs.Select(CardText.Escape))));
        }

        if (control is { Iso27001Refs.Count: > 0 })
        {
            facts.Add(new Fact("ISO 27001", string.Join(", ", control.Iso27001Refs.Select(CardText.Escape))));
        }

        if (control?.EvidenceDescription is { Length: > 0 } wanted)
        {
            facts.Add(new Fact("Evidence wanted", CardText.Escape(wanted)));
        }

        if (task.PeriodStart is { } start && task.PeriodEnd is { } end)
        {
            facts.Add(new Fact("Period", $"{start:yyyy-MM-dd} to {end:yyyy-MM-dd}"));
        }

        // What the submitted evidence covers, which the lead judges it by: it may differ from the period asked for.
        if (EvidencePeriod(task) is { } covers)
        {
            facts.Add(new Fact("Evidence covers", covers));
        }

        facts.Add(new Fact("Due", DueText(task, today)));
        facts.Add(new Fact("Status", Status(task)));
        if (task.Owner is { } owner)
        {
            facts.Add(new Fact("Owner", CardText.Escape(owner.DisplayName)));
        }

        return new FactsElement(facts);
    }

    /// <summary>What is waiting on the task, or why it was returned.</summary>
    private static string? Notice(EvidenceTask task) =>
        task.RequestedDueDate is { } requested ? $"Extension to {requested:yyyy-MM-dd} requested: {CardText.Escape(task.ExtensionReason ?? "")}"
        : task.ProposedOwnerId is not null ? $"Reassignment waiting for approval: {CardText.Escape(task.ReassignReason ?? "no reason given")}"
        : task is { Status: EvidenceTaskStatus.Open, DecisionReason: { } reason, DecidedAt: not null } ? $"Returned by the compliance team: {CardText.Escape(reason)}"
        : task is { Status: EvidenceTaskStatus.Accepted, DecisionReason: { } comment } ? $"Accepted by the compliance team: {CardText.Escape(comment)}"
        : null;

    private static string? EvidencePeriod(EvidenceTask task) => (task.EvidenceEffectiveFrom, task.EvidenceEffectiveTo) switch
    {
        ({ } from, { } to) => $"{from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
        ({ } from, null) => $"from {from:yyyy-MM-dd}",
        (null, { } to) => $"until {to:yyyy-MM-dd}",
        _ => null,
    };

    private static string Status(EvidenceTask task) => task.Status switch
    {
        EvidenceTaskStatus.Open when task.DecidedAt is not null => "Returned, open",
        EvidenceTaskStatus.Open => "Open",
        EvidenceTaskStatus.Submitted => "Submitted, waiting for the compliance team",
        EvidenceTaskStatus.Accepted => "Accepted",
        EvidenceTaskStatus.Rejected => "Returned, open",
        _ => task.Status.ToString(),
    };

    private static string DueText(EvidenceTask task, DateOnly today)
    {
        var days = task.DueDate.DayNumber - today.DayNumber;
        var due = task.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return task.Status is EvidenceTaskStatus.Accepted or EvidenceTaskStatus.Submitted ? due
            : days < 0 ? $"{due} (**{-days} days overdue**)"
            : days == 0 ? $"{due} (today)"
            : $"{due} (in {days} days)";
    }

    private static string Fallback(EvidenceTask task) => $"Evidence task: {task.Title}, due {task.DueDate:yyyy-MM-dd}, {Status(task).ToLowerInvariant()}.";

    private static Dictionary<string, string> Data(EvidenceTask task, params (string Key, string Value)[] extra)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [CardDataKeys.Task] = task.Id.ToString(),
            [CardDataKeys.Version] = task.Version.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra)
        {
            data[key] = value;
        }

        return data;
    }
}
