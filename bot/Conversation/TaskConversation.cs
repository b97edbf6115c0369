using System.Globalization;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Jobs.Outbox;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// Evidence tasks in chat: <c>my tasks</c>, a lead's <c>assign …</c> command, and every task card action. After a
/// change, every posted copy of the task's card is updated, and whoever must act next gets a card.
/// </summary>
internal sealed partial class TaskConversation(
    ComplianceDbContext db,
    EvidenceTaskService tasks,
    TaskMessages messages,
    AuditTrail audit,
    TimeProvider time)
{
    /// <summary>The reply to a task or review button whose data lacks the version every card carries.</summary>
    internal const string StaleButton = "That button is missing its version, so I can't tell whether the card is current. Type **my tasks** or **my reviews** for fresh cards.";

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>One page (zero-based) of the person's open tasks (as owner or delegate), soonest due first, each with its actions.</summary>
    public async Task<ChatReply> MyTasksAsync(Person? person, CancellationToken cancellationToken, int page = 0)
    {
        if (person is null)
        {
            return new TextReply("You have no evidence tasks assigned to you.");
        }

        var open = db.EvidenceTasks.Where(t => (t.OwnerId == person.Id || t.DelegateId == person.Id)
            && (t.Status == EvidenceTaskStatus.Open || t.Status == EvidenceTaskStatus.Rejected));
        var total = await open.CountAsync(cancellationToken);
        if (total == 0)
        {
            return new TextReply("You have no open evidence tasks.");
        }

        var pages = TaskCards.PageCount(total);
        if (page >= pages)
        {
            return new TextReply($"You have {total} open evidence task(s): {pages} page(s) of them. Type **my tasks** for the first.");
        }

        var shown = await open.WithControlAndPeople().OrderBy(t => t.DueDate).ThenBy(t => t.Title).ThenBy(t => t.Id)
            .Skip(page * TaskCards.ListLimit).Take(TaskCards.ListLimit).AsNoTracking().ToListAsync(cancellationToken);
        return new CardReply(TaskCards.List(shown, total, Today, page));
    }

    /// <summary><c>assign CC6.2 quarterly access review to alice@example.com due 2027-01-15</c>, for compliance leads.</summary>
    public async Task<ChatReply> AssignAsync(ChatEvent chat, Person? actor, string text, CancellationToken cancellationToken)
    {
        var match = AssignCommand().Match(ChatText.Plain(text));
        if (!match.Success)
        {
            return new TextReply("To assign a task, type: **assign** *control* *what is wanted* **to** *email* **due** *yyyy-mm-dd*, " +
                "for example: assign CC6.2 quarterly access review to alice@example.com due 2027-01-15");
        }

        var actorRecord = new TaskActor(actor, chat.User.Platform, chat.User.UserId);
        if (actor is null || !actor.IsActive || !actor.Has(PersonRoles.ComplianceLead))
        {
            await AuditTrail.RunInTransactionAsync(db, ct => audit.AppendAsync(db, new AuditRecord(actorRecord.Name, actor?.Id, chat.User.Platform, "task.create_refused",
                AuditSubjects.EvidenceTask, match.Groups["control"].Value, null, null, "only compliance leads assign evidence tasks"), ct), cancellationToken);
            return new TextReply("Only a compliance lead can assign evidence tasks.");
        }

        if (!DateOnly.TryParseExact(match.Groups["due"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due))
        {
            return new TextReply("Please give the due date as yyyy-mm-dd, for example 2027-01-15.");
        }

        var outcome = await tasks.CreateAsync(new NewTask(match.Groups["control"].Value, match.Groups["email"].Value, due,
            match.Groups["title"].Success ? match.Groups["title"].Value : null, AllowOverdue: match.Groups["overdue"].Success), actorRecord, cancellationToken);
        if (outcome.Kind == TaskOutcomeKind.NeedsConfirmation)
        {
            return new TextReply(outcome.Message.Markdown + " To create it overdue anyway, send the same command with **overdue** at the end.");
        }

        if (!outcome.Succeeded)
        {
            return new TextReply(outcome.Message.Markdown);
        }

        return new TextReply(outcome.Message.Markdown + (outcome.OwnerReached ? "" : " They haven't talked to me yet, so they'll see it when they do (**my tasks**)."));
    }

    /// <summary>
    /// <c>due AC-01 [2026-12-31 to] 2027-01-31 [overdue] [because …]</c>, for compliance leads: moves the due date of the
    /// control's task that is not yet accepted (the current due date picks one when there are several); the owner gets the card.
    /// </summary>
    public static bool IsDueCommand(string text) => DueCommand().IsMatch(ChatText.Plain(text));

    public async Task<ChatReply> ChangeDueDateAsync(ChatEvent chat, Person? actor, string text, CancellationToken cancellationToken)
    {
        const string usage = "To move a due date, type: **due** *control* [*current yyyy-mm-dd* **to**] *new yyyy-mm-dd* [**overdue**] [**because** *reason*], "
            + "for example: due AC-01 2027-01-31 because the auditor moved fieldwork";
        var match = DueCommand().Match(ChatText.Plain(text));
        if (!match.Success)
        {
            return new TextReply(usage);
        }

        if (actor is not { IsActive: true } || !actor.Has(PersonRoles.ComplianceLead))
        {
            return new TextReply("Only a compliance lead can change a task's due date.");
        }

        DateOnly? Date(string group) => match.Groups[group].Success
            && DateOnly.TryParseExact(match.Groups[group].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        if (Date("due") is not { } newDue || match.Groups["from"].Success && Date("from") is null)
        {
            return new TextReply("Please give dates as yyyy-mm-dd. " + usage);
        }

        var (control, problem) = await tasks.FindControlAsync(match.Groups["control"].Value, cancellationToken);
        if (control is null)
        {
            return new TextReply(problem!.Markdown);
        }

        var from = Date("from");
        var candidates = await db.EvidenceTasks.AsNoTracking()
            .Where(t => t.ControlId == control.Id && t.Status != EvidenceTaskStatus.Accepted && (from == null || t.DueDate == from))
            .OrderBy(t => t.DueDate).ToListAsync(cancellationToken);
        if (candidates.Count != 1)
        {
            return new TextReply(candidates.Count == 0
                ? $"{CardText.Escape(control.Code)} has no task waiting for evidence{(from is null ? "" : $" due {from:yyyy-MM-dd}")}."
                : $"{CardText.Escape(control.Code)} has {candidates.Count} tasks waiting for evidence, due {string.Join(", ", candidates.Select(t => t.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}: "
                    + "name the one to move by its current due date, for example: due " + CardText.Escape(control.Code) + $" {candidates[0].DueDate:yyyy-MM-dd} to {newDue:yyyy-MM-dd}");
        }

        var command = new ChangeDueDate(newDue, match.Groups["reason"].Success ? match.Groups["reason"].Value.Trim() : null, match.Groups["overdue"].Success);
        var outcome = await tasks.ActAsync(candidates[0].Id, candidates[0].Version, new TaskActor(actor, chat.User.Platform, chat.User.UserId), command,
            cancellationToken: cancellationToken);

        return new TextReply(outcome.Kind == TaskOutcomeKind.NeedsConfirmation
            ? outcome.Message.Markdown + " To make it overdue anyway, send the same command with **overdue** after the date."
            : outcome.Message.Markdown);
    }

    /// <summary>Handles a task card action; the reply replaces the clicked card, or is a short message when nothing changed.</summary>
    public async Task<ChatReply> OnActionAsync(ChatEvent chat, Person? actor, CancellationToken cancellationToken)
    {
        if (chat.Verb == CardVerbs.TaskList)
        {
            // The next or previous page takes the list's place, on Teams and on Slack.
            return int.TryParse(chat.Value(CardDataKeys.Page), NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page < 10_000
                ? await MyTasksAsync(actor, cancellationToken, page) switch { CardReply list => list with { ReplacesCard = true }, var other => other }
                : new TextReply("That button doesn't name a page. Type **my tasks** for your tasks.");
        }

        if (!Guid.TryParse(chat.Value(CardDataKeys.Task), out var taskId))
        {
            return new TextReply("That button doesn't name a task.");
        }

        var actorRecord = new TaskActor(actor, chat.User.Platform, chat.User.UserId);
        if (chat.Verb is CardVerbs.TaskShow or CardVerbs.TaskForm)
        {
            return await ShowAsync(chat, actor, taskId, cancellationToken);
        }

        // Every card we send carries the task's version; an action without one cannot be checked for staleness.
        if (!int.TryParse(chat.Value(CardDataKeys.Version), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return new TextReply(StaleButton);
        }

        if (Command(chat) is not { } command)
        {
            return new TextReply(Problem(chat) ?? "Sorry, I don't recognise that button any more.");
        }

        // Whoever must act next gets a card, and every other posted copy its update, queued in the change's own transaction.
        var clicked = chat.MessageId is { } messageId ? new PostedCard(chat.ConversationReferenceId, messageId) : (PostedCard?)null;
        var outcome = await tasks.ActAsync(taskId, version, actorRecord, command, clicked, cancellationToken);
        switch (outcome.Kind)
        {
            case TaskOutcomeKind.Done:
                var task = outcome.Task!;
                var card = messages.CardFor(task, command.ForLeads ? CardAudience.Lead : CardAudience.Owner);
                return new CardReply(WithNotice(card, outcome.Message.Markdown), ReplacesCard: true);
            case TaskOutcomeKind.Changed or TaskOutcomeKind.NotApplicable when outcome.Task is { } current:
                var viewer = messages.CardFor(current, actor is not null && actor.Has(PersonRoles.ComplianceLead) && command.ForLeads ? CardAudience.Lead : CardAudience.Owner);
                return new CardReply(WithNotice(viewer, outcome.Message.Markdown), ReplacesCard: true);
            default:
                return new TextReply(outcome.Message.Markdown);
        }
    }

    private async Task<ChatReply> ShowAsync(ChatEvent chat, Person? actor, Guid taskId, CancellationToken cancellationToken)
    {
        var task = await db.EvidenceTasks.WithControlAndPeople().AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is null)
        {
            return new TextReply("I can't find that evidence task any more.");
        }

        var isOwner = actor is not null && (task.OwnerId == actor.Id || task.DelegateId == actor.Id);
        var isLead = actor is not null && actor.Has(PersonRoles.ComplianceLead);
        if (!isOwner && !isLead)
        {
            return new TextReply("That evidence task isn't yours, so I can't show it to you.");
        }

        if (chat.Verb == CardVerbs.TaskForm)
        {
            if (!isOwner)
            {
                return new TextReply("Only the task's owner or their delegate can do that.");
            }

            if (task.Status != EvidenceTaskStatus.Open)
            {
                return new CardReply(WithNotice(TaskCards.Owner(task, Today), "This task is no longer open."), ReplacesCard: true);
            }

            return chat.Value(CardDataKeys.Form) is TaskForms.Submit or TaskForms.Done or TaskForms.Extend or TaskForms.Reassign
                ? new CardReply(TaskCards.Form(task, chat.Value(CardDataKeys.Form)!, Today), ReplacesCard: true)
                : new TextReply("Sorry, I don't recognise that button any more.");
        }

        var audience = isOwner ? CardAudience.Owner : CardAudience.Lead;
        await CardCopies.RememberAsync(db, AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), chat.ConversationReferenceId, chat.MessageId, audience, time.GetUtcNow(), cancellationToken);
        return new CardReply(messages.CardFor(task, audience), ReplacesCard: true);
    }

    /// <summary>The command a task action asks for, from its verb and inputs; null when an input is missing or bad.</summary>
    private static TaskCommand? Command(ChatEvent chat)
    {
        string? Text(string key) => chat.Value(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        DateOnly? Date(string key) => DateOnly.TryParseExact(Text(key), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return chat.Verb switch
        {
            CardVerbs.TaskSubmit when Text(CardDataKeys.EvidenceUrl) is { } url && DateOk(CardDataKeys.EffectiveFrom) && DateOk(CardDataKeys.EffectiveTo) =>
                new SubmitEvidence(url, Text(CardDataKeys.Note), Date(CardDataKeys.EffectiveFrom), Date(CardDataKeys.EffectiveTo)),
            CardVerbs.TaskDone when Text(CardDataKeys.Note) is { } comment => new MarkDone(comment),
            CardVerbs.TaskExtend when Date(CardDataKeys.DueDate) is { } due && Text(CardDataKeys.Reason) is { } reason => new RequestExtension(due, reason),
            CardVerbs.TaskReassign when Text(CardDataKeys.Email) is { } email => new Reassign(email, Text(CardDataKeys.Reason)),
            CardVerbs.TaskAccept => new AcceptEvidence(Text(CardDataKeys.Reason)),
            CardVerbs.TaskReject when Text(CardDataKeys.Reason) is { } reason => new RejectEvidence(reason),
            CardVerbs.TaskExtension when chat.Value(CardDataKeys.Decision) is "approve" or "decline" => new DecideExtension(chat.Value(CardDataKeys.Decision) == "approve", Text(CardDataKeys.Reason)),
            CardVerbs.TaskReassignment when chat.Value(CardDataKeys.Decision) is "approve" or "decline" => new DecideReassignment(chat.Value(CardDataKeys.Decision) == "approve", Text(CardDataKeys.Reason)),
            _ => null,
        };

        bool DateOk(string key) => Text(key) is null || Date(key) is not null;
    }

    /// <summary>What is missing from a task action's inputs, in words.</summary>
    private static string? Problem(ChatEvent chat) => chat.Verb switch
    {
        CardVerbs.TaskSubmit => "Please paste a link to the evidence (and give dates as yyyy-mm-dd).",
        CardVerbs.TaskDone => "Please say in a comment how the task was done.",
        CardVerbs.TaskExtend => "Please choose a new due date and give a reason.",
        CardVerbs.TaskReassign => "Please give the new owner's email address.",
        CardVerbs.TaskReject => "Please give the owner a reason for returning the evidence.",
        _ => null,
    };

    private static Card WithNotice(Card card, string notice) => card with { Body = [new TextElement(notice, TextStyle.Emphasis), .. card.Body] };

    [GeneratedRegex(@"^assign\s+(?<control>\S+)\s+(?:(?<title>.+?)\s+)?to\s+(?<email>[^\s@]+@[^\s@]+)(?:\s+due\s+(?<due>\S+))?(?:\s+(?<overdue>overdue))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AssignCommand();

    [GeneratedRegex(@"^due\s+(?<control>\S+)\s+(?:(?<from>\S+)\s+to\s+)?(?<due>\S+)(?:\s+(?<overdue>overdue))?(?:\s+because\s+(?<reason>.+?))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex DueCommand();
}
