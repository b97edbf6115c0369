using System.Globalization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
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
        Assert.Equal("Assigned **Quarterly access review** (AC-01) to Olivia Owner, due 2027-01-15.", byCode.Message);
        Assert.Equal("Assigned **Q4 access review** (AC-01) to Olivia Owner, due 2027-01-15.", bySoc2.Message);
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
        Assert.Equal("Several controls map to CC6.1: AC-01, AC-03. Please name one of them.", outcome.Message);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task An_unknown_control_or_reference_is_refused_saying_what_to_do()
    {
        await AddControlsAsync(Control("AC-01", "Access review", soc2: ["CC6.2"]));

        var outcome = await CreateAsync(new NewTask("CC9.9", _owner.Email, Due));

        Assert.Equal(TaskOutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("No control in the register is CC9.9 or maps to it. Import the control register, or use a control id.", outcome.Message);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task An_owner_not_yet_known_is_added_to_the_register_as_a_control_owner()
    {
        await AddControlsAsync(Control("AC-01", "Access review", soc2: ["CC6.2"]));

        var created = await CreateAsync(new NewTask("AC-01", " New.Person@Example.com ", Due, DelegateEmail: _erin.Email));

        Assert.Equal(TaskOutcomeKind.Done, created.Kind);
        Assert.Equal("Assigned **Access review** (AC-01) to new.person, due 2027-01-15.", created.Message);
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

        Assert.Equal("Please give the owner (and any delegate) as an email address.", badOwner.Message);
        Assert.Equal("Please give the owner (and any delegate) as an email address.", badDelegate.Message);
        Assert.Equal("The period must start before it ends.", backwards.Message);
        Assert.Equal("The title can be at most 300 characters.", longTitle.Message);
        Assert.All(new[] { badOwner, badDelegate, backwards, longTitle }, o => Assert.Equal(TaskOutcomeKind.Invalid, o.Kind));
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
            Assert.Equal(("Log review (2026-11)", new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), new DateOnly(2026, 11, 30), _owner.Id),
                (tasks["LOG-01"].Title, tasks["LOG-01"].PeriodStart, tasks["LOG-01"].PeriodEnd, tasks["LOG-01"].DueDate, tasks["LOG-01"].OwnerId));
            Assert.Equal(("Access review (2026-Q4)", new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31), new DateOnly(2026, 12, 31), _owner.Id),
                (tasks["AC-01"].Title, tasks["AC-01"].PeriodStart, tasks["AC-01"].PeriodEnd, tasks["AC-01"].DueDate, tasks["AC-01"].OwnerId));
            Assert.Equal(("Policy review (2026)", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), new DateOnly(2026, 12, 31), _erin.Id),
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
        Options.Create(new ChatCompliance.Core.Duties.SeparationOfDutiesOptions()));

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
