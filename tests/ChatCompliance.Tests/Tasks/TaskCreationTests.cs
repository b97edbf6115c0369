using System.Globalization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Tasks;

public sealed class SqliteTaskCreationTests : TaskCreationTests<SqliteTestStore>;

public sealed class PostgresTaskCreationTests : TaskCreationTests<PostgresTestStore>;

/// <summary>The calendar period a control's frequency puts a day in.</summary>
public sealed class EvidencePeriodTests
{
    [Theory]
    [InlineData(EvidenceFrequency.Monthly, "2026-02-14", "2026-02-01", "2026-02-28", "2026-02")]
    [InlineData(EvidenceFrequency.Quarterly, "2026-01-01", "2026-01-01", "2026-03-31", "2026-Q1")]
    [InlineData(EvidenceFrequency.Quarterly, "2026-06-30", "2026-04-01", "2026-06-30", "2026-Q2")]
    [InlineData(EvidenceFrequency.Quarterly, "2026-11-28", "2026-10-01", "2026-12-31", "2026-Q4")]
    [InlineData(EvidenceFrequency.Annual, "2028-02-29", "2028-01-01", "2028-12-31", "2028")]
    public void Period_Date_IsTheCalendarPeriodContainingIt(EvidenceFrequency frequency, string today, string start, string end, string label)
    {
        var period = EvidenceTaskService.Period(frequency, DateOnly.Parse(today, CultureInfo.InvariantCulture));

        Assert.Equal((DateOnly.Parse(start, CultureInfo.InvariantCulture), DateOnly.Parse(end, CultureInfo.InvariantCulture), label), period);
    }
}

/// <summary>When a generated task falls due: the period's end plus the frequency's offset, never sooner than its minimum notice.</summary>
public sealed class GeneratedDueDateTests
{
    [Theory]
    [InlineData(EvidenceFrequency.Annual, "2026-01-01", "2026-12-31")]
    [InlineData(EvidenceFrequency.Annual, "2026-12-06", "2027-03-06")]
    [InlineData(EvidenceFrequency.Quarterly, "2026-10-01", "2026-12-31")]
    [InlineData(EvidenceFrequency.Quarterly, "2026-12-20", "2027-01-19")]
    [InlineData(EvidenceFrequency.Monthly, "2026-02-01", "2026-02-28")]
    [InlineData(EvidenceFrequency.Monthly, "2026-02-27", "2026-03-06")]
    public void DueDate_DefaultSchedule_IsThePeriodsEndOrTheMinimumNotice(EvidenceFrequency frequency, string today, string due)
    {
        var day = DateOnly.Parse(today, CultureInfo.InvariantCulture);

        var actual = EvidenceTaskService.DueDate(frequency, EvidenceTaskService.Period(frequency, day).End, day, new TaskGenerationOptions());

        Assert.Equal(DateOnly.Parse(due, CultureInfo.InvariantCulture), actual);
    }

    [Fact]
    public void DueDate_ConfiguredOffset_MovesTheDueDateAfterThePeriodsEnd()
    {
        var schedule = new TaskGenerationOptions { Annual = new GenerationSchedule { DueOffsetDays = 31, MinimumNoticeDays = 90 } };

        Assert.Equal(new DateOnly(2027, 1, 31), EvidenceTaskService.DueDate(EvidenceFrequency.Annual, new DateOnly(2026, 12, 31), new DateOnly(2026, 1, 1), schedule));
    }
}

/// <summary>
/// Where tasks come from: a lead naming a control (by id or by a reference one control maps to) and an owner,
/// and the generator that gives every periodic control its task for the current period, once.
/// </summary>
public abstract class TaskCreationTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private static readonly DateOnly Due = new(2027, 1, 15);

    private readonly TStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private readonly Person _lead = new() { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UnixEpoch };
    private readonly Person _owner = new() { Email = "olivia@example.com", DisplayName = "Olivia Owner", Roles = PersonRoles.Employee | PersonRoles.ControlOwner, CreatedAt = DateTimeOffset.UnixEpoch };
    private readonly Person _erin = new() { Email = "erin@example.com", DisplayName = "Erin Employee", Roles = PersonRoles.Employee, CreatedAt = DateTimeOffset.UnixEpoch };

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        db.People.AddRange(_lead, _owner, _erin);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task A_lead_creates_a_task_by_control_id_or_by_a_reference_exactly_one_control_maps_to()
    {
        await AddControlsAsync(
            Control("AC-01", "Quarterly access review", soc2: ["CC6.2", "CC6.3"], iso: ["A.5.18"]),
            Control("NW-01", "Firewall rule review", soc2: ["CC6.6"]));

        var byCode = await CreateAsync(new NewTask("ac-01", _owner.Email, Due));
        var bySoc2 = await CreateAsync(new NewTask("CC6.2", _owner.Email, Due, "Q4 access review"));
        var byIso = await CreateAsync(new NewTask("a.5.18", _owner.Email, Due, "  Q1 access review  "));

        Assert.Equal(TaskOutcomeKind.Done, byCode.Kind);
        Assert.Equal("Assigned Quarterly access review (AC-01) to Olivia Owner, due 2027-01-15.", byCode.Message.Text);
        Assert.Equal("Assigned Q4 access review (AC-01) to Olivia Owner, due 2027-01-15.", bySoc2.Message.Text);
        Assert.Equal(TaskOutcomeKind.Done, byIso.Kind);
        await using var db = _store.NewContext();
        var tasks = await db.EvidenceTasks.Include(t => t.Control).OrderBy(t => t.CreatedAt).ThenBy(t => t.Title).ToListAsync();
        Assert.Equal(["Q1 access review", "Q4 access review", "Quarterly access review"], tasks.Select(t => t.Title).Order(StringComparer.Ordinal));
        Assert.All(tasks, t => Assert.Equal(("AC-01", _owner.Id, Due, EvidenceTaskStatus.Open, 1, _lead.Email), (t.Control!.Code, t.OwnerId, t.DueDate, t.Status, t.Version, t.CreatedBy)));
        var trail = await db.AuditTrail.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(3, trail.Count);
        Assert.All(trail, e => Assert.Equal(("task.created", _lead.Email, _lead.Id, (string?)null), (e.Action, e.Actor, e.ActorPersonId, e.Before)));
        Assert.Equal(tasks.Select(t => AuditSubjects.Id(t.Id)).Order(StringComparer.Ordinal), trail.Select(e => e.SubjectId).Order(StringComparer.Ordinal));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_reference_several_controls_map_to_is_refused_naming_them()
    {
        await AddControlsAsync(Control("AC-03", "Access removal", soc2: ["CC6.1"]), Control("AC-01", "Access review", soc2: ["CC6.1", "CC6.2"]));

        var outcome = await CreateAsync(new NewTask("CC6.1", _owner.Email, Due));

        Assert.Equal(TaskOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("Several controls map to CC6.1: AC-01, AC-03. Please name one of them.", outcome.Message.Text);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task An_unknown_control_or_reference_is_refused_saying_what_to_do()
    {
        await AddControlsAsync(Control("AC-01", "Access review", soc2: ["CC6.2"]));

        var outcome = await CreateAsync(new NewTask("CC9.9", _owner.Email, Due));

        Assert.Equal(TaskOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("No control in the register is CC9.9 or maps to it. Import the control register, or use a control id.", outcome.Message.Text);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task An_owner_not_yet_known_is_added_to_the_register_as_a_control_owner()
    {
        await AddControlsAsync(Control("AC-01", "Access review", soc2: ["CC6.2"]));

        var created = await CreateAsync(new NewTask("AC-01", " New.Person@Example.com ", Due, DelegateEmail: _erin.Email));

        Assert.Equal(TaskOutcomeKind.Done, created.Kind);
        Assert.Equal("Assigned Access review (AC-01) to new.person, due 2027-01-15.", created.Message.Text);
        await using var db = _store.NewContext();
        var added = await db.People.SingleAsync(p => p.Email == "new.person@example.com");
        Assert.Equal(PersonRoles.Employee | PersonRoles.ControlOwner, added.Roles);
        Assert.True(added.IsActive);
        var task = await db.EvidenceTasks.SingleAsync();
        Assert.Equal((added.Id, _erin.Id), (task.OwnerId, task.DelegateId));
        Assert.True((await db.People.SingleAsync(p => p.Id == _erin.Id)).Has(PersonRoles.ControlOwner), "a delegate acts on controls too");
    }

    [Fact]
    public async Task A_bad_owner_address_period_or_title_is_refused()
    {
        await AddControlsAsync(Control("AC-01", "Access review"));

        var badOwner = await CreateAsync(new NewTask("AC-01", "olivia at example.com", Due));
        var badDelegate = await CreateAsync(new NewTask("AC-01", _owner.Email, Due, DelegateEmail: "dan"));
        var backwards = await CreateAsync(new NewTask("AC-01", _owner.Email, Due, PeriodStart: new DateOnly(2026, 12, 31), PeriodEnd: new DateOnly(2026, 10, 1)));
        var longTitle = await CreateAsync(new NewTask("AC-01", _owner.Email, Due, new string('t', 301)));

        Assert.Equal("Please give the owner as an email address.", badOwner.Message.Text);
        Assert.Equal("Please give the delegate as an email address.", badDelegate.Message.Text);
        Assert.Equal("The period must start before it ends.", backwards.Message.Text);
        Assert.Equal("The title can be at most 300 characters.", longTitle.Message.Text);
        Assert.All(new[] { badOwner, badDelegate, backwards, longTitle }, o => Assert.Equal(TaskOutcomeKind.Invalid, o.Kind));
        Assert.Equal(["ownerEmail", "delegateEmail", "periodEnd", "title"], new[] { badOwner, badDelegate, backwards, longTitle }.Select(o => Assert.Single(o.Problems).Field));

        // One list of rules for every door: a request wrong in several ways hears all of them at once.
        var everything = await CreateAsync(new NewTask("AC-01", "olivia", new DateOnly(1999, 1, 1), new string('t', 301),
            new DateOnly(2026, 12, 31), new DateOnly(2026, 10, 1), "dan"));
        Assert.Equal(["ownerEmail", "delegateEmail", "title", "dueDate", "periodEnd"], everything.Problems.Select(p => p.Field));
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task Generating_gives_each_periodic_control_with_an_owner_one_task_for_the_current_period_and_only_once()
    {
        await AddControlsAsync(
            Control("LOG-01", "Log review", EvidenceFrequency.Monthly, _owner),
            Control("AC-01", "Access review", EvidenceFrequency.Quarterly, _owner),
            Control("POL-01", "Policy review", EvidenceFrequency.Annual, _erin),
            Control("IR-01", "Incident drill", EvidenceFrequency.OnDemand, _owner),
            Control("AC-02", "Orphaned review", EvidenceFrequency.Quarterly));
        var today = new DateOnly(2026, 11, 28);

        var created = await GenerateAsync(today);

        Assert.Equal(3, created.Count);
        await using (var db = _store.NewContext())
        {
            var tasks = await db.EvidenceTasks.Include(t => t.Control).AsNoTracking().ToDictionaryAsync(t => t.Control!.Code);
            Assert.Equal(["AC-01", "LOG-01", "POL-01"], tasks.Keys.Order(StringComparer.Ordinal));
            // Generated two days before November ends: due a week from now, not in two days.
            Assert.Equal(("Log review (2026-11)", new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 5), _owner.Id),
                (tasks["LOG-01"].Title, tasks["LOG-01"].PeriodStart, tasks["LOG-01"].PeriodEnd, tasks["LOG-01"].DueDate, tasks["LOG-01"].OwnerId));
            Assert.Equal(("Access review (2026-Q4)", new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31), new DateOnly(2026, 12, 31), _owner.Id),
                (tasks["AC-01"].Title, tasks["AC-01"].PeriodStart, tasks["AC-01"].PeriodEnd, tasks["AC-01"].DueDate, tasks["AC-01"].OwnerId));
            // An annual task generated in late November is not due in a month: at least 90 days' notice.
            Assert.Equal(("Policy review (2026)", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), new DateOnly(2027, 2, 26), _erin.Id),
                (tasks["POL-01"].Title, tasks["POL-01"].PeriodStart, tasks["POL-01"].PeriodEnd, tasks["POL-01"].DueDate, tasks["POL-01"].OwnerId));
            Assert.All(tasks.Values, t => Assert.Equal(("system", EvidenceTaskStatus.Open), (t.CreatedBy, t.Status)));
            var trail = await db.AuditTrail.OrderBy(e => e.Sequence).ToListAsync();
            Assert.All(trail, e => Assert.Equal(("task.generated", "system", Platform.System), (e.Action, e.Actor, e.Platform)));
            Assert.Contains(trail, e => e.Reason == "Quarterly evidence for 2026-Q4" && e.SubjectId == AuditSubjects.Id(tasks["AC-01"].Id));
        }

        // Again the same day, and later in the same periods: nothing new.
        Assert.Empty(await GenerateAsync(today));
        Assert.Empty(await GenerateAsync(new DateOnly(2026, 11, 30)));
        await using (var db = _store.NewContext())
        {
            Assert.Equal(3, await db.EvidenceTasks.CountAsync());
            Assert.Equal(3, await db.AuditTrail.CountAsync());
        }

        // A new month starts: only the monthly control is due again.
        var december = Assert.Single(await GenerateAsync(new DateOnly(2026, 12, 1)));
        Assert.Equal(("Log review (2026-12)", new DateOnly(2026, 12, 31)), (december.Title, december.DueDate));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task Every_way_a_task_is_made_queues_its_owners_card_with_the_task()
    {
        await AddControlsAsync(Control("AC-01", "Access review", EvidenceFrequency.Quarterly, _owner), Control("LOG-01", "Log review"));
        await using (var setup = _store.NewContext())
        {
            setup.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = "DOWNER",
                TeamId = "T1", UserId = "UOWNER", PersonId = _owner.Id, UpdatedAt = _time.GetUtcNow() });
            await setup.SaveChangesAsync();
        }

        var generated = Assert.Single(await GenerateAsync(new DateOnly(2026, 11, 28)));
        var assigned = await CreateAsync(new NewTask("LOG-01", _owner.Email, Due));
        var unreachable = await CreateAsync(new NewTask("LOG-01", "new.person@example.com", Due.AddDays(1)));

        Assert.True(assigned.OwnerReached);
        Assert.False(unreachable.OwnerReached); // nobody to send it to yet: the lead is told so
        await using var db = _store.NewContext();
        var cards = await db.Outbox.AsNoTracking().Where(o => o.Kind == "task.owner").ToListAsync();
        Assert.Equal(2, cards.Count);
        Assert.All(cards, c => Assert.Equal("DOWNER", db.ConversationReferences.Single(r => r.Id == c.ConversationReferenceId).ConversationId));
        Assert.Contains(cards, c => c.IdempotencyKey.StartsWith($"task:{generated.Id:N}:", StringComparison.Ordinal));
        Assert.Contains(cards, c => c.IdempotencyKey.StartsWith($"task:{assigned.Task!.Id:N}:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Generating_on_two_instances_at_once_creates_each_task_once()
    {
        await AddControlsAsync(
            Control("LOG-01", "Log review", EvidenceFrequency.Monthly, _owner),
            Control("AC-01", "Access review", EvidenceFrequency.Quarterly, _owner),
            Control("POL-01", "Policy review", EvidenceFrequency.Annual, _erin));

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => GenerateAsync(new DateOnly(2026, 11, 28)))));

        Assert.Equal(3, runs.Sum(r => r.Count));
        await using var db = _store.NewContext();
        Assert.Equal(3, await db.EvidenceTasks.CountAsync());
        Assert.Equal(3, await db.AuditTrail.CountAsync(e => e.Action == "task.generated"));
        Assert.Equal(3, await db.Controls.CountAsync());
        Assert.Equal(3, await db.People.CountAsync());
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task Generating_after_the_periods_task_was_accepted_creates_no_duplicate()
    {
        await AddControlsAsync(
            Control("AC-01", "Access review", EvidenceFrequency.Quarterly, _owner),
            Control("POL-01", "Policy review", EvidenceFrequency.Annual, _erin));
        var today = new DateOnly(2026, 11, 28);
        Assert.Equal(2, (await GenerateAsync(today)).Count);
        await using (var db = _store.NewContext())
        {
            foreach (var task in await db.EvidenceTasks.ToListAsync())
            {
                task.Status = EvidenceTaskStatus.Accepted; // just accepted, as a lead's click leaves it
            }

            await db.SaveChangesAsync();
        }

        Assert.Empty(await GenerateAsync(today));
        Assert.Empty(await GenerateAsync(new DateOnly(2026, 12, 31)));
        await using var check = _store.NewContext();
        Assert.Equal(2, await check.EvidenceTasks.CountAsync());
    }

    [Fact]
    public async Task Generating_skips_a_control_whose_period_a_lead_already_covered_by_hand()
    {
        await AddControlsAsync(
            Control("AC-01", "Access review", EvidenceFrequency.Quarterly, _owner),
            Control("LOG-01", "Log review", EvidenceFrequency.Monthly, _owner));
        Assert.Equal(TaskOutcomeKind.Done, (await CreateAsync(new NewTask("AC-01", _owner.Email, new DateOnly(2026, 12, 15)))).Kind);
        Assert.Equal(TaskOutcomeKind.Done, (await CreateAsync(new NewTask("LOG-01", _owner.Email, new DateOnly(2026, 12, 10),
            PeriodStart: new DateOnly(2026, 10, 1), PeriodEnd: new DateOnly(2026, 12, 31)))).Kind);

        var created = await GenerateAsync(new DateOnly(2026, 11, 28));

        Assert.Empty(created);
    }

    [Fact]
    public async Task A_control_whose_task_cannot_be_made_is_skipped_the_others_are_generated_and_the_leads_are_told()
    {
        await AddControlsAsync(
            Control("AC-01", new string('x', 300), EvidenceFrequency.Quarterly, _owner), // with " (2026 Q4)" too long for a task's title
            Control("LOG-01", "Log review", EvidenceFrequency.Monthly, _owner));
        await using (var setup = _store.NewContext())
        {
            setup.ConversationReferences.Add(new ConversationReference { Platform = Platform.Teams, Scope = ConversationScope.Personal, ConversationId = "a:lead",
                TenantId = "t1", UserId = "29:lead", PersonId = _lead.Id, UpdatedAt = _time.GetUtcNow() });
            await setup.SaveChangesAsync();
        }

        // The store's input guard, as the application has it (it refuses a title longer than its column on SQLite too).
        await using var db = (object)_store switch
        {
            SqliteTestStore sqlite => (ComplianceDbContext)new SqliteComplianceDbContext(new DbContextOptionsBuilder<SqliteComplianceDbContext>()
                .UseSqlite(sqlite.ConnectionString).AddInterceptors(StoredInputGuard.Instance).Options),
            PostgresTestStore postgres => new PostgresComplianceDbContext(new DbContextOptionsBuilder<PostgresComplianceDbContext>()
                .UseNpgsql(postgres.ConnectionString).AddInterceptors(StoredInputGuard.Instance).Options),
            _ => throw new InvalidOperationException("an unknown store"),
        };
        var created = await new global::ChatCompliance.Jobs.Tasks.TaskGenerationJob(Service(db), db, _time, NullLogger<global::ChatCompliance.Jobs.Tasks.TaskGenerationJob>.Instance)
            .GenerateAsync(CancellationToken.None);

        Assert.Equal(["LOG-01"], created.Select(t => t.Control!.Code));
        var alert = Assert.Single(await db.Outbox.AsNoTracking().Where(o => o.Kind == "job.failure").ToListAsync());
        Assert.Contains("control AC-01", alert.Payload, StringComparison.Ordinal);
        Assert.Contains("task generation", alert.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_task_for_the_same_control_and_period_is_refused_not_an_error()
    {
        await AddControlsAsync(Control("AC-01", "Access review", EvidenceFrequency.Quarterly, _owner));
        Assert.Single(await GenerateAsync(new DateOnly(2026, 11, 28)));

        var again = await CreateAsync(new NewTask("AC-01", _owner.Email, Due, PeriodStart: new DateOnly(2026, 10, 1), PeriodEnd: new DateOnly(2026, 12, 31)));

        Assert.Equal(TaskOutcomeKind.Invalid, again.Kind);
        Assert.Equal("AC-01 already has a task for 2026-10-01 to 2026-12-31: one task per control and period.", again.Message.Text);
    }

    [Fact]
    public async Task A_past_due_date_needs_a_confirmation_and_then_makes_an_overdue_task_audited_as_such()
    {
        await AddControlsAsync(Control("AC-01", "Access review"));
        var past = new DateOnly(2026, 9, 30);

        var unconfirmed = await CreateAsync(new NewTask("AC-01", _owner.Email, past));
        await AssertNothingCreatedAsync();
        var absurd = await CreateAsync(new NewTask("AC-01", _owner.Email, new DateOnly(1999, 12, 31), AllowOverdue: true));
        var farFuture = await CreateAsync(new NewTask("AC-01", _owner.Email, new DateOnly(2099, 1, 1)));
        await AssertNothingCreatedAsync();
        var confirmed = await CreateAsync(new NewTask("AC-01", _owner.Email, past, AllowOverdue: true));

        Assert.Equal((TaskOutcomeKind.NeedsConfirmation, "The due date 2026-09-30 is in the past, so the task would be overdue from the start."), (unconfirmed.Kind, unconfirmed.Message.Text));
        Assert.Equal(TaskOutcomeKind.Invalid, absurd.Kind);
        Assert.Equal(TaskOutcomeKind.Invalid, farFuture.Kind);
        Assert.Equal(TaskOutcomeKind.Done, confirmed.Kind);
        await using var db = _store.NewContext();
        Assert.Equal(past, (await db.EvidenceTasks.SingleAsync()).DueDate);
        Assert.Equal(TaskDueDates.CreatedOverdue, (await db.AuditTrail.SingleAsync()).Reason);
    }

    [Fact]
    public async Task A_lead_moves_a_due_date_audited_with_before_and_after_and_nobody_else_can()
    {
        await AddControlsAsync(Control("AC-01", "Access review"));
        var task = (await CreateAsync(new NewTask("AC-01", _owner.Email, Due))).Task!;
        var later = new DateOnly(2027, 2, 15);

        var byOwner = await ActAsync(task.Id, _owner.Id, new ChangeDueDate(later, "more time"));
        var intoPast = await ActAsync(task.Id, _lead.Id, new ChangeDueDate(new DateOnly(2026, 1, 1), null));
        var same = await ActAsync(task.Id, _lead.Id, new ChangeDueDate(Due, null));
        var moved = await ActAsync(task.Id, _lead.Id, new ChangeDueDate(later, "auditor moved fieldwork"));
        var byApiKey = await ActAsync(task.Id, null, new ChangeDueDate(new DateOnly(2026, 11, 1), null, AllowOverdue: true), actsAsLead: true);
        var apiAcceptWithoutPerson = await ActAsync(task.Id, null, new AcceptEvidence(null), actsAsLead: true);

        Assert.Equal((TaskOutcomeKind.Refused, "Only a compliance lead can do that."), (byOwner.Kind, byOwner.Message.Text));
        Assert.Equal(TaskOutcomeKind.NeedsConfirmation, intoPast.Kind);
        Assert.Equal(TaskOutcomeKind.Invalid, same.Kind);
        Assert.Equal((TaskOutcomeKind.Done, "Due date changed from 2027-01-15 to 2027-02-15; the owner is told."), (moved.Kind, moved.Message.Text));
        Assert.Equal(TaskOutcomeKind.Done, byApiKey.Kind);
        Assert.Equal(TaskOutcomeKind.Refused, apiAcceptWithoutPerson.Kind);
        await using var db = _store.NewContext();
        Assert.Equal(new DateOnly(2026, 11, 1), (await db.EvidenceTasks.SingleAsync()).DueDate);
        var changes = await db.AuditTrail.Where(e => e.Action == "task.due_date_changed").OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(2, changes.Count);
        Assert.Equal((_lead.Email, "auditor moved fieldwork"), (changes[0].Actor, changes[0].Reason));
        Assert.Contains("\"dueDate\":\"2027-01-15\"", changes[0].Before, StringComparison.Ordinal);
        Assert.Contains("\"dueDate\":\"2027-02-15\"", changes[0].After, StringComparison.Ordinal);
        Assert.Equal("api:key:ci", changes[1].Actor);
        Assert.EndsWith(TaskDueDates.CreatedOverdue, changes[1].Reason, StringComparison.Ordinal);
        await AssertChainIntactAsync();
    }

    private async Task<TaskOutcome> ActAsync(Guid taskId, Guid? personId, TaskCommand command, bool actsAsLead = false)
    {
        await using var db = _store.NewContext();
        var person = personId is { } id ? await db.People.SingleAsync(p => p.Id == id) : null;
        var actor = person is null ? new TaskActor(null, Platform.Api, "key:ci") { ActsAsLead = actsAsLead } : new TaskActor(person, Platform.Teams);
        return await Service(db).ActAsync(taskId, null, actor, command);
    }

    private async Task<TaskOutcome> CreateAsync(NewTask spec)
    {
        await using var db = _store.NewContext();
        var lead = await db.People.SingleAsync(p => p.Id == _lead.Id);
        return await Service(db).CreateAsync(spec, new TaskActor(lead, Platform.Teams));
    }

    private async Task<IReadOnlyList<EvidenceTask>> GenerateAsync(DateOnly today)
    {
        await using var db = _store.NewContext();
        return await Service(db).GenerateForCurrentPeriodAsync(today);
    }

    private EvidenceTaskService Service(ComplianceDbContext db) => new(db, new AuditTrail(_time, TestAuditKeys.Ring), _time, Options.Create(new TaskOptions()),
        Options.Create(new ChatCompliance.Core.Duties.SeparationOfDutiesOptions()), new TaskMessages(db, _time), new ChatCompliance.Core.Outbox.OutboxSignal());

    private Control Control(string code, string title, EvidenceFrequency frequency = EvidenceFrequency.OnDemand, Person? owner = null, List<string>? soc2 = null, List<string>? iso = null) => new()
    {
        Code = code,
        Title = title,
        Frequency = frequency,
        OwnerId = owner?.Id,
        Soc2Refs = soc2 ?? [],
        Iso27001Refs = iso ?? [],
        CreatedAt = _time.GetUtcNow(),
    };

    private async Task AddControlsAsync(params Control[] controls)
    {
        await using var db = _store.NewContext();
        db.Controls.AddRange(controls);
        await db.SaveChangesAsync();
    }

    private async Task AssertNothingCreatedAsync()
    {
        await using var db = _store.NewContext();
        Assert.Empty(await db.EvidenceTasks.ToListAsync());
        Assert.Empty(await db.AuditTrail.ToListAsync());
        Assert.Equal(3, await db.People.CountAsync());
    }

    private async Task AssertChainIntactAsync()
    {
        await using var db = _store.NewContext();
        var report = await AuditChainVerifier.VerifyAsync(db, TestAuditKeys.Ring);
        Assert.True(report.Intact, report.Summary);
    }
}
