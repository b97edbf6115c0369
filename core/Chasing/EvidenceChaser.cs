using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Chasing;

/// <summary>What one chase queued.</summary>
/// <param name="TaskMessages">Outbox rows for evidence tasks (reminders and escalations).</param>
/// <param name="ReviewMessages">Outbox rows for access reviews.</param>
public sealed record ChaseResult(int TaskMessages, int ReviewMessages);

/// <summary>
/// Chases open evidence tasks and running access reviews up the <see cref="ChaseLadder"/>: reminders to owners,
/// delegates and reviewers, escalations to managers and compliance leads, each queued in the outbox under a key naming
/// the task (or campaign), its due date, the step and the recipient. The unique key makes every step go at most once
/// per due date however often and on however many instances this runs; a new due date starts the ladder again, and
/// a submission (or a closed review) stops it.
/// </summary>
public sealed partial class EvidenceChaser(
    ComplianceDbContext db, IAccessDirectory directory, TimeProvider time, IOptions<ChaserOptions> options, IOptions<ReviewOptions> reviewOptions,
    ILogger<EvidenceChaser> logger)
{
    /// <summary>Outbox kind of a reminder to the person doing the work.</summary>
    public const string ReminderKind = "chase.reminder";

    /// <summary>Outbox kind of an escalation to a manager or compliance lead.</summary>
    public const string EscalationKind = "chase.escalation";

    private readonly ChaseLadder _ladder = new(options.Value);
    private readonly Dictionary<Guid, Person?> _managers = [];

    /// <summary>
    /// Queues whatever step is due now for every open task and every running review. A task or review that throws (data
    /// no path should have made) is skipped and added to <paramref name="failures"/>; the rest are chased. Without a
    /// collection, the first failure is thrown.
    /// </summary>
    public async Task<ChaseResult> ChaseAsync(ICollection<JobRowFailure>? failures = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var leads = (await db.People.AsNoTracking().Where(p => p.IsActive).ToListAsync(cancellationToken))
            .Where(p => p.Has(PersonRoles.ComplianceLead)).ToList();
        var tasks = 0;
        foreach (var (id, title) in await TasksInPlayAsync(now, cancellationToken))
        {
            tasks += await OneRowAsync(() => ChaseTaskAsync(id, leads, now, cancellationToken), $"evidence task {AuditSubjects.Id(id)} ({title})", failures);
        }

        var reviews = 0;
        var reviewLadder = _ladder.ForReviews();
        var (from, to) = reviewLadder.DueDatesInPlay(now);
        var campaigns = await db.AccessReviewCampaigns.AsNoTracking()
            .Where(c => c.Status == CampaignStatus.Running && c.DueDate >= from && c.DueDate <= to)
            .Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken);
        foreach (var campaign in campaigns)
        {
            reviews += await OneRowAsync(() => ChaseReviewAsync(campaign.Id, reviewLadder, now, cancellationToken),
                $"access review campaign {AuditSubjects.Id(campaign.Id)} ({campaign.Name})", failures);
        }

        LogChased(logger, tasks, reviews);
        return new ChaseResult(tasks, reviews);
    }

    /// <summary>Chases one row; when it throws and failures are collected, records it and carries on with nothing queued for it.</summary>
    private async Task<int> OneRowAsync(Func<Task<int>> chase, string row, ICollection<JobRowFailure>? failures)
    {
        try
        {
            return await chase();
        }
        catch (Exception e) when (e is not OperationCanceledException && failures is not null)
        {
            // One bad row (an owner or control that cannot be read, a card that cannot be built) must not stop the others.
            db.ChangeTracker.Clear();
            failures.Add(new JobRowFailure(row, e.Message));
            return 0;
        }
    }

    private async Task<List<(Guid Id, string Title)>> TasksInPlayAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (from, to) = _ladder.DueDatesInPlay(now);
        return [.. (await db.EvidenceTasks.AsNoTracking()
            .Where(t => (t.Status == EvidenceTaskStatus.Open || t.Status == EvidenceTaskStatus.Rejected) && t.DueDate >= from && t.DueDate <= to)
            .OrderBy(t => t.DueDate).Select(t => new { t.Id, t.Title }).ToListAsync(cancellationToken)).Select(t => (t.Id, t.Title))];
    }

    private async Task<int> ChaseTaskAsync(Guid taskId, List<Person> leads, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var task = await db.EvidenceTasks.AsNoTracking().WithControlAndPeople().SingleOrDefaultAsync(t => t.Id == taskId, cancellationToken);
        if (task is not { Status: EvidenceTaskStatus.Open or EvidenceTaskStatus.Rejected, Owner: { } owner })
        {
            return 0; // submitted or gone since the list was read
        }

        var key = $"chase:{task.Id:N}:{task.DueDate:yyyyMMdd}";
        var subject = new CardSubject(AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), CardAudience.Owner);
        var queued = 0;
        foreach (var person in new[] { owner, task.Delegate }.OfType<Person>().Where(p => p.IsActive).DistinctBy(p => p.Id))
        {
            var zone = _ladder.ZoneOf(person.TimeZone);
            if (_ladder.StepDue(task.DueDate, ChaseTarget.Owner, zone, now) is { } step)
            {
                var card = ChaserCards.TaskReminder(task, ChaseLadder.LocalDate(now, zone));
                queued += await QueueAsync($"{key}:{step.Name}:{person.Id:N}", ReminderKind, card, person.Id, now, subject, cancellationToken);
            }
        }

        List<(ChaseTarget Target, Person Person)> escalations = [];
        if (_ladder.MayBeDue(task.DueDate, ChaseTarget.Manager, now) && await ManagerOfAsync(owner, cancellationToken) is { } manager)
        {
            escalations.Add((ChaseTarget.Manager, manager));
        }

        if (_ladder.MayBeDue(task.DueDate, ChaseTarget.ComplianceLead, now))
        {
            escalations.AddRange(leads.Select(l => (ChaseTarget.ComplianceLead, l)));
        }

        foreach (var (target, person) in escalations.Where(e => e.Person.Id != owner.Id))
        {
            var zone = _ladder.ZoneOf(person.TimeZone);
            if (_ladder.StepDue(task.DueDate, target, zone, now) is { } step)
            {
                var card = ChaserCards.TaskEscalation(task, target, ChaseLadder.LocalDate(now, zone));
                queued += await QueueAsync($"{key}:{step.Name}:{person.Id:N}", EscalationKind, card, person.Id, now, null, cancellationToken);
            }
        }

        return queued;
    }

    private async Task<int> ChaseReviewAsync(Guid campaignId, ChaseLadder ladder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is not { Status: CampaignStatus.Running })
        {
            return 0;
        }

        var reviewers = await db.AccessReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == campaignId && i.ReviewerId != null && (i.Decision == ReviewDecision.Undecided || i.Decision == ReviewDecision.NotSure))
            .Select(i => i.ReviewerId!.Value).Distinct().ToListAsync(cancellationToken);
        var key = $"chase:review:{campaign.Id:N}:{campaign.DueDate:yyyyMMdd}";
        var queued = 0;
        foreach (var reviewer in await db.People.AsNoTracking().Where(p => reviewers.Contains(p.Id) && p.IsActive).OrderBy(p => p.Email).ToListAsync(cancellationToken))
        {
            var zone = ladder.ZoneOf(reviewer.TimeZone);
            var reminder = ladder.StepDue(campaign.DueDate, ChaseTarget.Owner, zone, now);
            var manager = ladder.MayBeDue(campaign.DueDate, ChaseTarget.Manager, now) ? await ManagerOfAsync(reviewer, cancellationToken) : null;
            var managerZone = manager is null ? null : ladder.ZoneOf(manager.TimeZone);
            var escalation = manager is null || manager.Id == reviewer.Id ? null : ladder.StepDue(campaign.DueDate, ChaseTarget.Manager, managerZone!, now);
            if (reminder is null && escalation is null)
            {
                continue;
            }

            var items = await db.AccessReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId && i.ReviewerId == reviewer.Id).ToListAsync(cancellationToken);
            var open = items.Count(i => i.Decision is ReviewDecision.Undecided or ReviewDecision.NotSure);
            if (reminder is not null)
            {
                var card = ChaserCards.ReviewReminder(FirstOpenPage(campaign, reviewer, items), ChaseLadder.LocalDate(now, zone));
                queued += await QueueAsync($"{key}:{reminder.Name}:{reviewer.Id:N}", ReminderKind, card, reviewer.Id, now, null, cancellationToken);
            }

            if (escalation is not null)
            {
                var card = ChaserCards.ReviewEscalation(campaign, reviewer, open, items.Count, ChaseLadder.LocalDate(now, managerZone!));
                queued += await QueueAsync($"{key}:{escalation.Name}:{reviewer.Id:N}:{manager!.Id:N}", EscalationKind, card, manager.Id, now, null, cancellationToken);
            }
        }

        return queued;
    }

    /// <summary>The reviewer's first page that still has an account to decide.</summary>
    private ReviewPage FirstOpenPage(AccessReviewCampaign campaign, Person reviewer, List<AccessReviewItem> items)
    {
        var pageSize = reviewOptions.Value.PageSize;
        var page = ReviewDecisions.Paged(campaign, reviewer, items, 0, pageSize);
        while (page.Page + 1 < page.PageCount && page.Items.All(i => i.Decision is ReviewDecision.Keep or ReviewDecision.Revoke))
        {
            page = ReviewDecisions.Paged(campaign, reviewer, items, page.Page + 1, pageSize);
        }

        return page;
    }

    /// <summary>
    /// The person's manager: from the directory when it is configured (cached there) and the manager is in the register,
    /// otherwise the register's own; null when neither knows one or the manager is inactive.
    /// </summary>
    private async Task<Person?> ManagerOfAsync(Person person, CancellationToken cancellationToken)
    {
        if (_managers.TryGetValue(person.Id, out var known))
        {
            return known;
        }

        Person? manager = null;
        if (directory.IsConfigured)
        {
            try
            {
                if (await directory.FindManagerEmailAsync(person.EntraObjectId ?? person.Email, cancellationToken) is { } email)
                {
                    var normalised = Person.NormaliseEmail(email);
                    manager = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Email == normalised && p.IsActive, cancellationToken);
                    if (manager is null)
                    {
                        LogManagerNotInRegister(logger, person.Id);
                    }
                }
            }
            catch (DirectoryException e)
            {
                LogDirectoryFailed(logger, person.Id, e.Problem);
            }
        }

        if (manager is null && person.ManagerId is { } managerId)
        {
            manager = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == managerId && p.IsActive, cancellationToken);
        }

        _managers[person.Id] = manager;
        return manager;
    }

    /// <summary>
    /// Queues the card for every conversation the person has with the bot, each row written at once (its own
    /// transaction). When another instance queued the same key first, its rows stand: ours are not written, and no
    /// statement fails.
    /// </summary>
    private Task<int> QueueAsync(string key, string kind, Card card, Guid personId, DateTimeOffset now, CardSubject? subject, CancellationToken cancellationToken) =>
        db.QueueNowForPersonAsync(key, kind, card, personId, now, subject, cancellationToken);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Chaser queued {TaskMessages} task and {ReviewMessages} review message(s)")]
    private static partial void LogChased(ILogger logger, int taskMessages, int reviewMessages);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information, Message = "Chaser: the directory's manager of person {PersonId} is not an active person in the register; using the register's")]
    private static partial void LogManagerNotInRegister(ILogger logger, Guid personId);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Warning, Message = "Chaser: the directory could not give the manager of person {PersonId} ({Problem}); using the register's")]
    private static partial void LogDirectoryFailed(ILogger logger, Guid personId, DirectoryProblem problem);
}
