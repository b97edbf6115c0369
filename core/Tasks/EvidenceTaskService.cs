using ChatCompliance.Core.Cards;
using System.Globalization;
using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Duties;
using ChatCompliance.Core.People;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Tasks;

/// <summary>What a new task needs. <see cref="Control"/> is a control id of the register, or a SOC 2 / ISO 27001 reference one control maps to;
/// <see cref="AllowOverdue"/> confirms a due date already past (onboarding an existing programme); without it such a task is not created.</summary>
public sealed record NewTask(string Control, string OwnerEmail, DateOnly DueDate, string? Title = null,
    DateOnly? PeriodStart = null, DateOnly? PeriodEnd = null, string? DelegateEmail = null, bool AllowOverdue = false)
{
    public const int MaximumTitleLength = 300;

    /// <summary>
    /// Every rule a new task's own fields break, each with the field it is about (the admin API's names), checked without
    /// the store: every door (chat, API, CSV) asks this one list. A due date in the past is not among them: it needs a
    /// confirmation (<see cref="AllowOverdue"/>), not a correction.
    /// </summary>
    public IReadOnlyList<TaskProblem> Problems(DateOnly today)
    {
        var problems = new List<TaskProblem>();
        void Add(string field, string? reason)
        {
            if (reason is not null)
            {
                problems.Add(new TaskProblem(field, reason));
            }
        }

        Add("ownerEmail", EmailAddress.IsValid(OwnerEmail) ? null : "Please give the owner as an email address.");
        Add("delegateEmail", DelegateEmail is null || EmailAddress.IsValid(DelegateEmail) ? null : "Please give the delegate as an email address.");
        Add("title", Title is { Length: > MaximumTitleLength } ? $"The title can be at most {MaximumTitleLength} characters." : null);
        Add("dueDate", TaskDueDates.Problem(DueDate, today, allowOverdue: true)?.Reason);
        Add("periodStart", PeriodStart is { } start && DateRule.Problem(start, "The period's start", today) is { } early ? early + "." : null);
        Add("periodEnd", PeriodEnd is { } end && DateRule.Problem(end, "The period's end", today) is { } late ? late + "." : null);
        Add("periodEnd", PeriodStart > PeriodEnd ? "The period must start before it ends." : null);
        return problems;
    }
}

/// <summary>One rule a request breaks: the field it is about and why, in words for the person.</summary>
public sealed record TaskProblem(string Field, string Reason);

/// <summary>
/// Evidence tasks' life: creation (by a lead, from the API or CSV, or generated from each control's frequency) and
/// every transition (open → submitted → accepted | rejected → open; extensions; reassignments). Each transition is
/// authorised against the database's current view of the actor, applied once (a stale card's version or a
/// concurrent winner makes it a no-op with the current state), and written to the audit trail in the same transaction.
/// </summary>
public sealed class EvidenceTaskService(ComplianceDbContext db, AuditTrail audit, TimeProvider time, IOptions<TaskOptions> options,
    IOptions<SeparationOfDutiesOptions> duties, TaskMessages messages, OutboxSignal outbox)
{
    public const int MaximumTextLength = 2000;

    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Applies <paramref name="command"/> to the task when the actor may and the card was current (<paramref name="expectedVersion"/>).
    /// The cards the change causes (<see cref="TaskMessages.QueueAfterAsync"/>) are queued in its transaction; <paramref name="clicked"/>
    /// is the card the actor clicked, when they did, so it is updated too.
    /// </summary>
    public async Task<TaskOutcome> ActAsync(Guid taskId, int? expectedVersion, TaskActor actor, TaskCommand command,
        PostedCard? clicked = null, CancellationToken cancellationToken = default)
    {
        var outcome = await DecideAsync(taskId, expectedVersion, actor, command, clicked, cancellationToken);
        if (outcome.Succeeded)
        {
            outbox.Nudge();
        }

        return outcome;
    }

    private async Task<TaskOutcome> DecideAsync(Guid taskId, int? expectedVersion, TaskActor actor, TaskCommand command,
        PostedCard? clicked, CancellationToken cancellationToken)
    {
        if (Validate(command) is { } invalid)
        {
            return new TaskOutcome(TaskOutcomeKind.Invalid, invalid, null);
        }

        try
        {
            return await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                var task = await db.EvidenceTasks.WithControlAndPeople().SingleOrDefaultAsync(t => t.Id == taskId, ct);
                if (task is null)
                {
                    return new TaskOutcome(TaskOutcomeKind.NotFound, "I can't find that evidence task any more.", null);
                }

                if ((Refusal(task, actor, command) ?? (actor.Person is null ? null : await DutyRefusalAsync(task, actor.Person, command, ct))) is { } refusal)
                {
                    await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "task.refused",
                        AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), null, null, $"{command.Action} refused: {refusal}"), ct);
                    return new TaskOutcome(TaskOutcomeKind.Refused, refusal, task);
                }

                if (expectedVersion is { } version && version != task.Version)
                {
                    return Changed(task);
                }

                var before = Snapshot(task);
                var (outcome, reason) = await ApplyAsync(task, actor, command, ct);
                if (outcome.Kind != TaskOutcomeKind.Done)
                {
                    return outcome;
                }

                task.Version++;
                task.UpdatedAt = time.GetUtcNow();
                var action = command is Reassign && task.ProposedOwnerId is not null ? "task.reassignment_requested" : command.Action;
                await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, action,
                    AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), before, Snapshot(task), reason), ct);
                await messages.QueueAfterAsync(task, command, clicked, ct);
                return outcome;
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone else changed the task between our read and our write: theirs stands.
            db.ChangeTracker.Clear();
            var current = await db.EvidenceTasks.WithControlAndPeople().AsNoTracking().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
            return current is null ? new TaskOutcome(TaskOutcomeKind.NotFound, "I can't find that evidence task any more.", null) : Changed(current);
        }
    }

    /// <summary>
    /// Creates a task after checking the control and the people; the owner is added to the register when new. The
    /// owner's card is queued in the creation's transaction (<see cref="TaskOutcome.OwnerReached"/> says whether any
    /// conversation reaches them yet).
    /// </summary>
    public async Task<TaskOutcome> CreateAsync(NewTask spec, TaskActor actor, CancellationToken cancellationToken = default)
    {
        var (control, problem) = await FindControlAsync(spec.Control, cancellationToken);
        if (control is null)
        {
            return new TaskOutcome(TaskOutcomeKind.Invalid, problem!, null) { Problems = [new TaskProblem("control", problem!.Text)] };
        }

        var today = Today;
        if (spec.Problems(today) is [var first, ..] problems)
        {
            return new TaskOutcome(TaskOutcomeKind.Invalid, first.Reason, null) { Problems = problems };
        }

        if (TaskDueDates.Problem(spec.DueDate, today, spec.AllowOverdue) is { } dueProblem)
        {
            return new TaskOutcome(dueProblem.Kind, dueProblem.Reason, null) { Problems = [new TaskProblem("dueDate", dueProblem.Reason)] };
        }

        if (spec.PeriodStart is { } periodStart && spec.PeriodEnd is { } periodEnd
            && await db.EvidenceTasks.AnyAsync(t => t.ControlId == control.Id && t.PeriodStart == periodStart && t.PeriodEnd == periodEnd, cancellationToken))
        {
            var duplicate = $"{control.Code} already has a task for {periodStart:yyyy-MM-dd} to {periodEnd:yyyy-MM-dd}: one task per control and period.";
            return new TaskOutcome(TaskOutcomeKind.Invalid, duplicate, null) { Problems = [new TaskProblem("periodStart", duplicate)] };
        }

        var created = await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            var owner = await PersonForAsync(spec.OwnerEmail, ct);
            var delegatePerson = spec.DelegateEmail is { } delegateEmail ? await PersonForAsync(delegateEmail, ct) : null;
            var now = time.GetUtcNow();
            var task = new EvidenceTask
            {
                ControlId = control.Id,
                Control = control,
                Title = string.IsNullOrWhiteSpace(spec.Title) ? control.Title : spec.Title.Trim(),
                OwnerId = owner.Id,
                Owner = owner,
                DelegateId = delegatePerson?.Id,
                DueDate = spec.DueDate,
                PeriodStart = spec.PeriodStart,
                PeriodEnd = spec.PeriodEnd,
                CreatedBy = actor.Name,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.EvidenceTasks.Add(task);
            await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "task.created",
                AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), null, Snapshot(task), task.DueDate < today ? TaskDueDates.CreatedOverdue : null), ct);
            var reached = await messages.QueueAssignedAsync(task, ct);
            return new TaskOutcome(TaskOutcomeKind.Done, Notice.Of($"Assigned {Notice.Stress(task.Title)} ({control.Code}) to {owner.DisplayName}, due {task.DueDate:yyyy-MM-dd}."), task)
            {
                OwnerReached = reached > 0,
            };
        }, cancellationToken);
        outbox.Nudge();
        return created;
    }

    /// <summary>
    /// Creates the current period's task for every control with a frequency and an owner, unless the control already has
    /// a task for that period, whatever its state (open, submitted, accepted, rejected): one whose period overlaps it, or
    /// one without a period that falls due within it. Returns the tasks created; each owner's card is queued with its
    /// task. Safe to run repeatedly and on several instances (a unique index backs it). Each due date follows <see cref="DueDate"/>.
    /// </summary>
    public async Task<IReadOnlyList<EvidenceTask>> GenerateForCurrentPeriodAsync(DateOnly today, CancellationToken cancellationToken = default) =>
        await GenerateForCurrentPeriodAsync(today, null, cancellationToken);

    /// <inheritdoc cref="GenerateForCurrentPeriodAsync(DateOnly, CancellationToken)"/>
    /// <remarks>
    /// A control whose task cannot be made (its title too long for a task's, data no path should have made) is skipped
    /// and added to <paramref name="failures"/>; the other controls get theirs. Without a collection it is thrown.
    /// </remarks>
    public async Task<IReadOnlyList<EvidenceTask>> GenerateForCurrentPeriodAsync(DateOnly today, ICollection<JobRowFailure>? failures, CancellationToken cancellationToken = default)
    {
        var controls = await db.Controls.Include(c => c.Owner)
            .Where(c => c.Frequency != EvidenceFrequency.OnDemand && c.OwnerId != null)
            .OrderBy(c => c.Code)
            .ToListAsync(cancellationToken);
        var created = new List<EvidenceTask>();
        foreach (var control in controls)
        {
            var (start, end, label) = Period(control.Frequency, today);
            var due = DueDate(control.Frequency, end, today, options.Value.Generation);
            if (await db.EvidenceTasks.AnyAsync(t => t.ControlId == control.Id
                && ((t.PeriodStart != null && t.PeriodEnd != null && t.PeriodStart <= end && t.PeriodEnd >= start)
                    || ((t.PeriodStart == null || t.PeriodEnd == null) && t.DueDate >= start && t.DueDate <= due)), cancellationToken))
            {
                continue;
            }

            try
            {
                var outcome = await AuditTrail.RunInTransactionAsync(db, async ct =>
                {
                    var now = time.GetUtcNow();
                    var task = new EvidenceTask
                    {
                        ControlId = control.Id,
                        Control = control,
                        Title = $"{control.Title} ({label})",
                        OwnerId = control.OwnerId!.Value,
                        Owner = control.Owner,
                        DueDate = due,
                        PeriodStart = start,
                        PeriodEnd = end,
                        CreatedBy = "system",
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    db.EvidenceTasks.Add(task);
                    await audit.AppendAsync(db, new AuditRecord("system", null, Platform.System, "task.generated",
                        AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), null, Snapshot(task), $"{control.Frequency} evidence for {label}"), ct);
                    await messages.QueueAssignedAsync(task, ct);
                    return task;
                }, cancellationToken);
                created.Add(outcome);
            }
            catch (Exception e) when (e is not OperationCanceledException && (e is DbUpdateException || failures is not null))
            {
                // Forget only what this control's attempt added: the controls and owners loaded above stay tracked for the rest.
                foreach (var added in db.ChangeTracker.Entries().Where(x => x.State == EntityState.Added).ToList())
                {
                    added.State = EntityState.Detached;
                }

                if (e is DbUpdateException && await db.EvidenceTasks.AnyAsync(t => t.ControlId == control.Id && t.PeriodStart == start, cancellationToken))
                {
                    continue; // another instance generated the same period first
                }

                if (failures is null)
                {
                    throw;
                }

                failures.Add(new JobRowFailure($"control {control.Code} ({label})", e.Message));
            }
        }

        if (created.Count > 0)
        {
            outbox.Nudge();
        }

        return created;
    }

    /// <summary>
    /// A generated task's due date: the period's end plus the frequency's offset (<c>Tasks:Generation</c>), but never
    /// sooner than the frequency's minimum notice after <paramref name="today"/> (a task generated late in its period,
    /// such as an annual one on the first run in December, is not due within days).
    /// </summary>
    public static DateOnly DueDate(EvidenceFrequency frequency, DateOnly periodEnd, DateOnly today, TaskGenerationOptions schedule)
    {
        var rule = schedule.For(frequency);
        var due = periodEnd.AddDays(rule.DueOffsetDays);
        var earliest = today.AddDays(rule.MinimumNoticeDays);
        return due < earliest ? earliest : due;
    }

    /// <summary>The period a control's frequency puts <paramref name="today"/> in: first day, last day, and a label.</summary>
    public static (DateOnly Start, DateOnly End, string Label) Period(EvidenceFrequency frequency, DateOnly today) => frequency switch
    {
        EvidenceFrequency.Monthly => (new DateOnly(today.Year, today.Month, 1), new DateOnly(today.Year, today.Month, 1).AddMonths(1).AddDays(-1),
            today.ToString("yyyy-MM", CultureInfo.InvariantCulture)),
        EvidenceFrequency.Quarterly => (new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1), new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1).AddMonths(3).AddDays(-1),
            string.Create(CultureInfo.InvariantCulture, $"{today.Year}-Q{((today.Month - 1) / 3) + 1}")),
        EvidenceFrequency.Annual => (new DateOnly(today.Year, 1, 1), new DateOnly(today.Year, 12, 31), today.Year.ToString(CultureInfo.InvariantCulture)),
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "On-demand controls have no period."),
    };

    /// <summary>A control by register id, or the one control mapped to a SOC 2 / ISO 27001 reference; else why not.</summary>
    public async Task<(Control? Control, Notice? Problem)> FindControlAsync(string reference, CancellationToken cancellationToken = default)
    {
        var wanted = reference.Trim();
        var byCode = await db.Controls.Include(c => c.Owner).FirstOrDefaultAsync(c => c.Code == wanted, cancellationToken)
            ?? (await db.Controls.Include(c => c.Owner).ToListAsync(cancellationToken)).FirstOrDefault(c => string.Equals(c.Code, wanted, StringComparison.OrdinalIgnoreCase));
        if (byCode is not null)
        {
            return (byCode, null);
        }

        var mapped = (await db.Controls.Include(c => c.Owner).ToListAsync(cancellationToken))
            .Where(c => c.Soc2Refs.Concat(c.Iso27001Refs).Any(r => string.Equals(r, wanted, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(c => c.Code, StringComparer.Ordinal)
            .ToList();
        return mapped.Count switch
        {
            1 => (mapped[0], null),
            0 => (null, Notice.Of($"No control in the register is {Short(wanted)} or maps to it. Import the control register, or use a control id.")),
            _ => (null, Notice.Of($"Several controls map to {Short(wanted)}: {string.Join(", ", mapped.Select(c => c.Code))}. Please name one of them.")),
        };
    }

    private static string? Validate(TaskCommand command) => command switch
    {
        SubmitEvidence s when !EvidenceLink.IsValid(s.Url) => "The evidence link must be a full https:// (or http://) address, at most 2,000 characters.",
        SubmitEvidence s when s.Note is { Length: > MaximumTextLength } => "The note can be at most 2,000 characters.",
        SubmitEvidence { EffectiveFrom: { } from, EffectiveTo: { } to } when to < from => "The evidence period must start before it ends.",
        MarkDone m when string.IsNullOrWhiteSpace(m.Comment) => "Please say in a comment how the task was done.",
        RequestExtension r when string.IsNullOrWhiteSpace(r.Reason) => "Please give a reason for the extension.",
        RejectEvidence r when string.IsNullOrWhiteSpace(r.Reason) => "Please give the owner a reason for returning the evidence.",
        Reassign r when !EmailAddress.IsValid(r.Email) => "Please give the new owner's email address.",
        MarkDone { Comment.Length: > MaximumTextLength } or RequestExtension { Reason.Length: > MaximumTextLength } or RejectEvidence { Reason.Length: > MaximumTextLength }
            or Reassign { Reason.Length: > MaximumTextLength } or DecideExtension { Reason.Length: > MaximumTextLength }
            or DecideReassignment { Reason.Length: > MaximumTextLength } or AcceptEvidence { Comment.Length: > MaximumTextLength }
            or ChangeDueDate { Reason.Length: > MaximumTextLength } => "That text is too long: at most 2,000 characters.",
        _ => null,
    };

    /// <summary>Why the actor may not do this, or null when they may.</summary>
    private static Notice? Refusal(EvidenceTask task, TaskActor actor, TaskCommand command)
    {
        var person = actor.Person;
        if (person is null && actor.ActsAsLead && command is { ForLeads: true, NeedsPerson: false })
        {
            return null;
        }

        if (person is null || !person.IsActive)
        {
            return "I don't know you yet, so I can't let you act on evidence tasks. Please ask your compliance team to add you.";
        }

        if (command.ForLeads)
        {
            return person.Has(PersonRoles.ComplianceLead) ? null : "Only a compliance lead can do that.";
        }

        return task.OwnerId == person.Id || task.DelegateId == person.Id
            ? null
            : "Only the task's owner or their delegate can do that.";
    }

    /// <summary>
    /// Why separation of duties keeps this person from this decision, naming who can take it; null when it does not.
    /// Runs after <see cref="Refusal"/> has found the person active and in the right role.
    /// </summary>
    private async Task<Notice?> DutyRefusalAsync(EvidenceTask task, Person person, TaskCommand command, CancellationToken cancellationToken)
    {
        var rules = duties.Value;
        var ownsTask = task.OwnerId == person.Id || task.DelegateId == person.Id;
        var why = command switch
        {
            AcceptEvidence or RejectEvidence when rules.SubmitterCannotDecide && task.Status == EvidenceTaskStatus.Submitted && task.SubmittedById == person.Id =>
                $"You submitted this evidence, so another compliance lead must {(command is AcceptEvidence ? "accept" : "return")} it",
            AcceptEvidence or RejectEvidence when rules.OwnerLeadCannotCloseOwnTask && ownsTask =>
                $"You own this task, so another compliance lead must {(command is AcceptEvidence ? "accept" : "return")} its evidence",
            DecideExtension when rules.RequesterCannotApprove && task.ExtensionRequestedById == person.Id =>
                "You asked for this extension, so another compliance lead must decide it",
            DecideExtension when rules.OwnerLeadCannotCloseOwnTask && ownsTask =>
                "You own this task, so another compliance lead must decide its extension",
            DecideReassignment when rules.RequesterCannotApprove && task.ReassignRequestedById == person.Id =>
                "You asked for this reassignment, so another compliance lead must decide it",
            MarkDone when rules.OwnerLeadCannotCloseOwnTask && person.Has(PersonRoles.ComplianceLead) =>
                "You own this task and are a compliance lead, so you can't mark it done yourself: submit the evidence as a link, and another compliance lead must accept it",
            _ => null,
        };
        if (why is null)
        {
            return null;
        }

        Guid?[] conflicted = [person.Id, task.OwnerId, task.DelegateId, task.SubmittedById, task.ExtensionRequestedById, task.ReassignRequestedById];
        var others = await Duties.Duties.OtherLeadsAsync(db, conflicted.OfType<Guid>(), cancellationToken);
        return Notice.Of($"{why}: {others}.");
    }

    /// <summary>Changes the tracked task, or says why the command does not apply; returns the outcome and the reason to record.</summary>
    private async Task<(TaskOutcome Outcome, string? Reason)> ApplyAsync(EvidenceTask task, TaskActor actor, TaskCommand command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (command)
        {
            case SubmitEvidence or MarkDone when task.Status == EvidenceTaskStatus.Submitted:
                return (NotApplicable(task, "Evidence for this task is already with the compliance team."), null);
            case SubmitEvidence or MarkDone or RequestExtension or Reassign when task.Status == EvidenceTaskStatus.Accepted:
                return (NotApplicable(task, "This task is already accepted."), null);
            case SubmitEvidence submit:
                task.Status = EvidenceTaskStatus.Submitted;
                task.EvidenceUrl = submit.Url.Trim();
                task.EvidenceNote = Clean(submit.Note);
                task.EvidenceEffectiveFrom = submit.EffectiveFrom;
                task.EvidenceEffectiveTo = submit.EffectiveTo;
                task.SubmittedAt = now;
                task.SubmittedById = actor.Person!.Id;
                return (Done(task, "Thanks: your evidence is with the compliance team."), submit.Note);
            case MarkDone done:
                task.Status = EvidenceTaskStatus.Submitted;
                task.EvidenceUrl = null;
                task.EvidenceNote = Clean(done.Comment);
                task.SubmittedAt = now;
                task.SubmittedById = actor.Person!.Id;
                return (Done(task, "Thanks: the compliance team will check and close the task."), done.Comment);
            case RequestExtension when task.RequestedDueDate is not null:
                return (NotApplicable(task, "An extension request is already waiting for a decision."), null);
            case RequestExtension extension when extension.NewDueDate <= task.DueDate:
                return (new TaskOutcome(TaskOutcomeKind.Invalid, $"The new due date must be after the current one ({task.DueDate:yyyy-MM-dd}).", task), null);
            case RequestExtension extension:
                task.RequestedDueDate = extension.NewDueDate;
                task.ExtensionReason = Clean(extension.Reason);
                task.ExtensionRequestedById = actor.Person!.Id;
                return (Done(task, $"Asked the compliance team to move the due date to {extension.NewDueDate:yyyy-MM-dd}."), extension.Reason);
            case DecideExtension when task.RequestedDueDate is null:
                return (NotApplicable(task, "There is no extension request waiting."), null);
            case DecideExtension decision:
                var requested = task.RequestedDueDate!.Value;
                if (decision.Approve)
                {
                    task.DueDate = requested;
                }

                task.RequestedDueDate = null;
                task.ExtensionReason = null;
                task.ExtensionRequestedById = null;
                return (Done(task, decision.Approve ? $"Extension approved: now due {requested:yyyy-MM-dd}." : "Extension declined."), decision.Reason);
            case Reassign reassign:
                var newOwner = await db.People.FirstOrDefaultAsync(p => p.Email == Person.NormaliseEmail(reassign.Email) && p.IsActive, cancellationToken);
                if (newOwner is null)
                {
                    return (new TaskOutcome(TaskOutcomeKind.Invalid, Notice.Of($"I don't know anyone with the email {Short(reassign.Email)}. Ask your compliance team to add them first."), task), null);
                }

                if (newOwner.Id == task.OwnerId)
                {
                    return (new TaskOutcome(TaskOutcomeKind.Invalid, $"{newOwner.DisplayName} already owns this task.", task), null);
                }

                if (options.Value.ReassignRequiresApproval)
                {
                    task.ProposedOwnerId = newOwner.Id;
                    task.ReassignReason = Clean(reassign.Reason);
                    task.ReassignRequestedById = actor.Person!.Id;
                    return (Done(task, $"Asked the compliance team to approve handing the task to {newOwner.DisplayName}."), reassign.Reason);
                }

                Hand(task, newOwner);
                return (Done(task, $"The task is now {newOwner.DisplayName}'s."), reassign.Reason);
            case DecideReassignment when task.ProposedOwnerId is null:
                return (NotApplicable(task, "There is no reassignment waiting."), null);
            case DecideReassignment decision:
                if (decision.Approve)
                {
                    var proposed = await db.People.SingleAsync(p => p.Id == task.ProposedOwnerId, cancellationToken);
                    Hand(task, proposed);
                }

                task.ProposedOwnerId = null;
                task.ReassignReason = null;
                task.ReassignRequestedById = null;
                return (Done(task, decision.Approve ? "Reassignment approved." : "Reassignment declined."), decision.Reason);
            case ChangeDueDate when task.Status == EvidenceTaskStatus.Accepted:
                return (NotApplicable(task, "This task is already accepted, so its due date no longer matters."), null);
            case ChangeDueDate change when change.NewDueDate == task.DueDate:
                return (new TaskOutcome(TaskOutcomeKind.Invalid, $"The task is already due {task.DueDate:yyyy-MM-dd}.", task), null);
            case ChangeDueDate change when TaskDueDates.Problem(change.NewDueDate, Today, change.AllowOverdue) is { } problem:
                return (new TaskOutcome(problem.Kind, problem.Reason, task), null);
            case ChangeDueDate change:
                var previous = task.DueDate;
                task.DueDate = change.NewDueDate;
                var dueReason = Clean(change.Reason) ?? $"due date moved from {previous:yyyy-MM-dd}";
                return (Done(task, $"Due date changed from {previous:yyyy-MM-dd} to {change.NewDueDate:yyyy-MM-dd}; the owner is told."),
                    change.NewDueDate < Today ? $"{dueReason}; {TaskDueDates.CreatedOverdue}" : dueReason);
            case AcceptEvidence or RejectEvidence when task.Status != EvidenceTaskStatus.Submitted:
                return (NotApplicable(task, task.Status == EvidenceTaskStatus.Accepted ? "This task is already accepted." : "There is no submitted evidence to decide on."), null);
            case AcceptEvidence accept:
                Decide(task, EvidenceTaskStatus.Accepted, actor, now, accept.Comment);
                // What the evidence was accepted for stays with it: later edits of the control don't rewrite the export.
                task.AcceptedSoc2Refs = [.. task.Control!.Soc2Refs];
                task.AcceptedIso27001Refs = [.. task.Control.Iso27001Refs];
                return (Done(task, "Evidence accepted."), accept.Comment);
            case RejectEvidence reject:
                // Rejected evidence goes back to the owner: the task is open again, with the lead's reason.
                Decide(task, EvidenceTaskStatus.Open, actor, now, reject.Reason);
                return (Done(task, "Evidence returned to the owner with your reason."), reject.Reason);
            default:
                return (NotApplicable(task, "That can't be done to this task."), null);
        }
    }

    private static void Decide(EvidenceTask task, EvidenceTaskStatus status, TaskActor lead, DateTimeOffset now, string? reason)
    {
        task.Status = status;
        task.DecidedById = lead.Person!.Id;
        task.DecidedAt = now;
        task.DecisionReason = Clean(reason);
    }

    private static void Hand(EvidenceTask task, Person newOwner)
    {
        task.OwnerId = newOwner.Id;
        task.Owner = newOwner;
        task.DelegateId = null;
        task.ProposedOwnerId = null;
        task.ReassignReason = null;
        task.ReassignRequestedById = null;
    }

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private Task<Person> PersonForAsync(string email, CancellationToken cancellationToken) =>
        db.FindOrAddAsync(email, PersonRoles.ControlOwner, time.GetUtcNow(), cancellationToken: cancellationToken);

    private static TaskOutcome Done(EvidenceTask task, string message) => new(TaskOutcomeKind.Done, message, task);

    private static TaskOutcome NotApplicable(EvidenceTask task, string message) => new(TaskOutcomeKind.NotApplicable, message, task);

    private static TaskOutcome Changed(EvidenceTask task) =>
        new(TaskOutcomeKind.Changed, "This task changed since that card was shown (or someone acted first). Here is its current state.", task);

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Short(string text) => text.Length > 200 ? text[..200] : text;

    /// <summary>The task's state as the audit trail records it before and after a change.</summary>
    public static string Snapshot(EvidenceTask task) => JsonSerializer.Serialize(new
    {
        status = task.Status.ToString(),
        title = task.Title,
        controlId = task.ControlId,
        ownerId = task.OwnerId,
        delegateId = task.DelegateId,
        dueDate = task.DueDate,
        periodStart = task.PeriodStart,
        periodEnd = task.PeriodEnd,
        evidenceUrl = task.EvidenceUrl,
        evidenceNote = task.EvidenceNote,
        evidenceEffectiveFrom = task.EvidenceEffectiveFrom,
        evidenceEffectiveTo = task.EvidenceEffectiveTo,
        submittedById = task.SubmittedById,
        extensionRequestedById = task.ExtensionRequestedById,
        reassignRequestedById = task.ReassignRequestedById,
        acceptedSoc2Refs = task.AcceptedSoc2Refs,
        acceptedIso27001Refs = task.AcceptedIso27001Refs,
        requestedDueDate = task.RequestedDueDate,
        proposedOwnerId = task.ProposedOwnerId,
        decisionReason = task.DecisionReason,
        version = task.Version,
    }, SnapshotJson);
}

/// <summary>Checks on the links and addresses people type into cards.</summary>
public static class EvidenceLink
{
    /// <summary>An absolute http(s) address with a host, at most 2,000 characters.</summary>
    public static bool IsValid(string? url) =>
        url is { Length: > 0 and <= 2000 }
        && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host);
}

/// <summary>A plausible email address (what mail systems accept is checked by sending, not here).</summary>
public static class EmailAddress
{
    public static bool IsValid(string? email) =>
        email is { Length: > 2 and <= 320 } && System.Net.Mail.MailAddress.TryCreate(email.Trim(), out var parsed) && parsed.Address == email.Trim();
}
