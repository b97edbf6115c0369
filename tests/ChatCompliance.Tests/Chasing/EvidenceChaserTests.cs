using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Jobs.Chaser;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Chasing;

public sealed class SqliteEvidenceChaserTests : EvidenceChaserTests<SqliteTestStore>;

public sealed class PostgresEvidenceChaserTests : EvidenceChaserTests<PostgresTestStore>
{
    [Fact]
    public async Task Eight_instances_chasing_at_the_same_moment_queue_each_step_once()
    {
        var at = new DateTimeOffset(2027, 1, 21, 14, 5, 0, TimeSpan.Zero); // 15:05 in Berlin, 09:05 in New York

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ChaseAtAsync(at))));

        Assert.Equal(2, results.Sum(r => r.TaskMessages));
        Assert.Equal(Sorted(Key("owner+0", Dan), Key("owner+0", Olivia)), await KeysAsync());
    }
}

/// <summary>
/// The chaser against a real store, as the hourly job runs it. Olivia (Berlin) owns a CC6.2 task due Thursday
/// 21 January 2027, Dan (New York) is her delegate; the register says Mona manages Olivia; Lee (the company's zone,
/// UTC) and Lena (Auckland) are compliance leads, Ian was one and left.
/// </summary>
public abstract class EvidenceChaserTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    protected static readonly DateOnly Due = new(2027, 1, 21);

    protected static readonly Person Olivia = NewPerson("olivia", "Europe/Berlin");
    protected static readonly Person Dan = NewPerson("dan", "America/New_York");
    protected static readonly Person Mona = NewPerson("mona", "Europe/Berlin");
    protected static readonly Person Gary = NewPerson("gary", "Europe/London");
    protected static readonly Person Lee = NewPerson("lee", "UTC", PersonRoles.ComplianceLead);
    protected static readonly Person Lena = NewPerson("lena", "Pacific/Auckland", PersonRoles.ComplianceLead);
    protected static readonly Person Ian = NewPerson("ian", "Europe/Berlin", PersonRoles.ComplianceLead);
    protected static readonly Person Rita = NewPerson("rita", "Europe/Berlin", PersonRoles.Reviewer);
    protected static readonly Person Ron = NewPerson("ron", "Europe/Berlin", PersonRoles.Reviewer);

    private static readonly Guid TaskId = Guid.NewGuid();

    private readonly TStore _store = new();

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        Person[] everyone = [Olivia, Dan, Mona, Gary, Lee, Lena, Ian, Rita, Ron];
        db.People.AddRange(everyone.Select(p => new Person
        {
            Id = p.Id,
            Email = p.Email,
            DisplayName = p.DisplayName,
            TimeZone = p.TimeZone,
            Roles = p.Roles,
            EntraObjectId = $"oid-{p.Email.Split('@')[0]}",
            ManagerId = p == Olivia || p == Rita ? Mona.Id : null,
            IsActive = p != Ian,
        }));
        db.ConversationReferences.AddRange(everyone.Select(p => new ConversationReference
        {
            Platform = Platform.Slack,
            Scope = ConversationScope.Personal,
            ConversationId = $"D-{p.Email}",
            PersonId = p.Id,
        }));
        var control = new Control { Code = "CC6.2", Title = "Access is reviewed", Soc2Refs = ["CC6.2"] };
        db.Controls.Add(control);
        db.EvidenceTasks.Add(new EvidenceTask
        {
            Id = TaskId,
            ControlId = control.Id,
            Title = "Quarterly access review",
            OwnerId = Olivia.Id,
            DelegateId = Dan.Id,
            DueDate = Due,
        });
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Three_weeks_of_hourly_runs_send_each_step_once_to_each_person_on_their_own_working_morning()
    {
        for (var at = new DateTimeOffset(2027, 1, 17, 0, 5, 0, TimeSpan.Zero); at < new DateTimeOffset(2027, 2, 3, 0, 0, 0, TimeSpan.Zero); at = at.AddHours(1))
        {
            await ChaseAtAsync(at);
        }

        await using var db = _store.NewContext();
        var rows = (await db.Outbox.AsNoTracking().ToListAsync()).OrderBy(o => o.CreatedAt).ThenBy(o => o.IdempotencyKey, StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            (Key("owner-3", Olivia), At(1, 18, 8)),            // Monday 09:05 in Berlin
            (Key("owner-3", Dan), At(1, 18, 14)),              // 09:05 in New York
            (Key("owner+0", Olivia), At(1, 21, 8)),
            (Key("owner+0", Dan), At(1, 21, 14)),
            (Key("owner+2", Olivia), At(1, 25, 8)),            // Saturday the 23rd moved to Monday
            (Key("owner+2", Dan), At(1, 25, 14)),
            (Key("manager+5", Mona), At(1, 26, 8)),            // from the register
            (Key("compliancelead+10", Lena), At(1, 31, 20)),   // Monday 1 February 09:05 in Auckland
            (Key("compliancelead+10", Lee), At(2, 1, 9)),      // the company's zone (UTC); Ian left: nothing
        ], rows.Select(r => (r.IdempotencyKey[..r.IdempotencyKey.LastIndexOf(':')], r.CreatedAt)));
        Assert.Equal([EvidenceChaser.ReminderKind], rows.Take(6).Select(r => r.Kind).Distinct());
        Assert.Equal([EvidenceChaser.EscalationKind], rows.Skip(6).Select(r => r.Kind).Distinct());
        var reminder = CardJson.Deserialize(rows[4].Payload);
        Assert.StartsWith("⏰ 4 days overdue", Assert.IsType<TextElement>(reminder.Body[0]).Text, StringComparison.Ordinal); // the true lateness on Monday
        Assert.Equal(("EvidenceTask", CardAudience.Owner), (rows[4].SubjectType, rows[4].Audience!.Value));
        var escalation = CardJson.Deserialize(rows[6].Payload);
        Assert.Contains("**Olivia**'s evidence for **CC6.2** is **5 days overdue**", Assert.IsType<TextElement>(escalation.Body[0]).Text, StringComparison.Ordinal);
        Assert.Empty(escalation.Actions);
    }

    [Fact]
    public async Task Running_the_job_again_queues_nothing_more()
    {
        var morning = new DateTimeOffset(2027, 1, 18, 8, 5, 0, TimeSpan.Zero);

        var first = await ChaseAtAsync(morning);
        var again = await ChaseAtAsync(morning);
        var later = await ChaseAtAsync(morning.AddHours(6));
        var laterAgain = await ChaseAtAsync(morning.AddHours(7));

        Assert.Equal((1, 0, 1, 0), (first.TaskMessages, again.TaskMessages, later.TaskMessages, laterAgain.TaskMessages));
        Assert.Equal(Sorted(Key("owner-3", Dan), Key("owner-3", Olivia)), await KeysAsync());
    }

    [Fact]
    public async Task The_recurring_job_runs_the_chase()
    {
        await using var db = _store.NewContext();
        var at = new DateTimeOffset(2027, 1, 21, 8, 5, 0, TimeSpan.Zero);
        var job = new EvidenceChaserJob(Chaser(db, at), db, new FakeTimeProvider(at), NullLogger<EvidenceChaserJob>.Instance);

        var first = await job.RunAsync(CancellationToken.None);
        var second = await job.RunAsync(CancellationToken.None);

        Assert.Equal((1, 0), (first, second));
    }

    [Fact]
    public async Task A_submission_stops_the_chase_and_a_returned_task_is_chased_again()
    {
        await SetTaskAsync(t => t.Status = EvidenceTaskStatus.Submitted);
        var submitted = await ChaseAtAsync(new DateTimeOffset(2027, 1, 21, 14, 5, 0, TimeSpan.Zero));
        await SetTaskAsync(t => t.Status = EvidenceTaskStatus.Accepted);
        var accepted = await ChaseAtAsync(new DateTimeOffset(2027, 1, 26, 8, 5, 0, TimeSpan.Zero));
        await SetTaskAsync(t => t.Status = EvidenceTaskStatus.Rejected);
        var returned = await ChaseAtAsync(new DateTimeOffset(2027, 1, 26, 8, 5, 0, TimeSpan.Zero));

        Assert.Equal((0, 0, 1), (submitted.TaskMessages, accepted.TaskMessages, returned.TaskMessages));
        Assert.Equal([Key("manager+5", Mona)], await KeysAsync());
    }

    [Fact]
    public async Task An_extension_starts_the_ladder_again_from_the_new_due_date()
    {
        await ChaseAtAsync(new DateTimeOffset(2027, 1, 21, 8, 5, 0, TimeSpan.Zero));
        await SetTaskAsync(t => t.DueDate = new DateOnly(2027, 2, 4));

        await ChaseAtAsync(new DateTimeOffset(2027, 1, 26, 8, 5, 0, TimeSpan.Zero)); // the old due date's manager step: gone
        await ChaseAtAsync(new DateTimeOffset(2027, 2, 1, 9, 5, 0, TimeSpan.Zero)); // three days before the new one (and the old one's lead step: gone)

        Assert.Equal(Sorted(Key("owner+0", Olivia), $"chase:{TaskId:N}:20270204:owner-3:{Olivia.Id:N}"), await KeysAsync());
    }

    [Fact]
    public async Task With_Graph_configured_the_manager_comes_from_the_directory()
    {
        var directory = new ManagerDirectory(configured: true) { Managers = { ["oid-olivia"] = "Gary@Example.com" } };

        await ChaseAtAsync(new DateTimeOffset(2027, 1, 26, 8, 5, 0, TimeSpan.Zero), directory); // 08:05 in London: too early for Gary
        await ChaseAtAsync(new DateTimeOffset(2027, 1, 26, 9, 5, 0, TimeSpan.Zero), directory);

        Assert.Equal([Key("manager+5", Gary)], await KeysAsync());
        Assert.Equal(["oid-olivia", "oid-olivia"], directory.Asked);
    }

    [Fact]
    public async Task When_Graph_fails_or_names_a_stranger_the_register_names_the_manager()
    {
        var failing = new ManagerDirectory(configured: true) { Failure = new DirectoryException(DirectoryProblem.Unavailable, "Graph is unavailable.") };
        var stranger = new ManagerDirectory(configured: true) { Managers = { ["oid-olivia"] = "someone@elsewhere.example" } };

        var whenFailing = await ChaseAtAsync(new DateTimeOffset(2027, 1, 26, 8, 5, 0, TimeSpan.Zero), failing);
        await using (var db = _store.NewContext())
        {
            await db.Outbox.ExecuteDeleteAsync();
        }

        var withStranger = await ChaseAtAsync(new DateTimeOffset(2027, 1, 26, 8, 5, 0, TimeSpan.Zero), stranger);

        Assert.Equal((1, 1), (whenFailing.TaskMessages, withStranger.TaskMessages));
        Assert.Equal([Key("manager+5", Mona)], await KeysAsync());
    }

    [Fact]
    public async Task Reviewers_with_accounts_to_decide_are_reminded_with_their_first_open_page_and_their_manager_on_the_due_day()
    {
        var campaignId = await RunningReviewAsync();

        await ChaseAtAsync(new DateTimeOffset(2027, 1, 17, 8, 5, 0, TimeSpan.Zero)); // Sunday: nothing
        var before = await ChaseAtAsync(new DateTimeOffset(2027, 1, 18, 8, 5, 0, TimeSpan.Zero));
        var dueDay = await ChaseAtAsync(new DateTimeOffset(2027, 1, 21, 8, 5, 0, TimeSpan.Zero));
        var again = await ChaseAtAsync(new DateTimeOffset(2027, 1, 21, 9, 5, 0, TimeSpan.Zero));

        Assert.Equal((1, 2, 0), (before.ReviewMessages, dueDay.ReviewMessages, again.ReviewMessages));
        await using var db = _store.NewContext();
        var rows = await db.Outbox.AsNoTracking().Where(o => o.IdempotencyKey.StartsWith("chase:review:")).ToListAsync();
        var key = $"chase:review:{campaignId:N}:20270121";
        Assert.Equal([$"{key}:manager+0:{Rita.Id:N}:{Mona.Id:N}", $"{key}:owner+0:{Rita.Id:N}", $"{key}:owner-3:{Rita.Id:N}"],
            rows.Select(r => r.IdempotencyKey[..r.IdempotencyKey.LastIndexOf(':')]).Order(StringComparer.Ordinal));
        var reminder = CardJson.Deserialize(rows.Single(r => r.IdempotencyKey.StartsWith($"{key}:owner-3", StringComparison.Ordinal)).Payload);
        Assert.StartsWith("⏰ Due in 3 days: 2 of 12 account(s) still to decide", Assert.IsType<TextElement>(reminder.Body[0]).Text, StringComparison.Ordinal);
        Assert.Equal(["Account 10", "Account 11"], reminder.Body.OfType<RowsElement>().Single().Rows.Select(r => r.Cells[0].Split("**")[1])); // page 2 of 2
        var escalation = CardJson.Deserialize(rows.Single(r => r.Kind == EvidenceChaser.EscalationKind).Payload);
        Assert.Contains("**Rita** still has **2 of 12** account(s) to decide", Assert.IsType<TextElement>(escalation.Body[0]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_review_is_not_chased()
    {
        var campaignId = await RunningReviewAsync();
        await using (var db = _store.NewContext())
        {
            await db.AccessReviewCampaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Status, CampaignStatus.Completed));
        }

        var result = await ChaseAtAsync(new DateTimeOffset(2027, 1, 21, 8, 5, 0, TimeSpan.Zero));

        Assert.Equal(0, result.ReviewMessages);
    }

    [Fact]
    public async Task A_task_that_cannot_be_read_is_skipped_the_others_are_chased_and_the_leads_are_told_once()
    {
        await using (var db = _store.NewContext())
        {
            var control = await db.Controls.SingleAsync();
            db.EvidenceTasks.Add(new EvidenceTask { ControlId = control.Id, Title = "Broken evidence", OwnerId = Olivia.Id, DueDate = Due, PeriodStart = Due.AddDays(-90), PeriodEnd = Due });
            await db.SaveChangesAsync();
            await Jobs.PoisonedRows.BreakTaskAsync(db, "Broken evidence");
        }

        var at = new DateTimeOffset(2027, 1, 21, 14, 5, 0, TimeSpan.Zero); // the due day, working hours for Olivia and Dan
        for (var run = 0; run < 2; run++)
        {
            await using var db = _store.NewContext();
            var time = new FakeTimeProvider(at.AddMinutes(run));
            await new EvidenceChaserJob(Chaser(db, at), db, time, NullLogger<EvidenceChaserJob>.Instance).RunAsync(CancellationToken.None);
        }

        Assert.Equal(Sorted(Key("owner+0", Dan), Key("owner+0", Olivia)), (await KeysAsync()).Where(k => k.StartsWith("chase:", StringComparison.Ordinal)).ToList());
        await using (var db = _store.NewContext())
        {
            var alerts = await db.Outbox.AsNoTracking().Where(o => o.Kind == "job.failure").ToListAsync();
            var conversations = await db.ConversationReferences.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.ConversationId);
            Assert.Equal(Sorted($"D-{Lee.Email}", $"D-{Lena.Email}"), Sorted([.. alerts.Select(a => conversations[a.ConversationReferenceId!.Value])])); // once per lead, however often it ran
            Assert.All(alerts, a => Assert.Contains("Broken evidence", a.Payload, StringComparison.Ordinal));
            Assert.All(alerts, a => Assert.DoesNotContain("Quarterly access review", a.Payload, StringComparison.Ordinal));
        }
    }

    protected async Task<ChaseResult> ChaseAtAsync(DateTimeOffset at, IAccessDirectory? directory = null)
    {
        await using var db = _store.NewContext();
        return await Chaser(db, at, directory).ChaseAsync();
    }

    protected async Task<List<string>> KeysAsync()
    {
        await using var db = _store.NewContext();
        return (await db.Outbox.AsNoTracking().Select(o => o.IdempotencyKey).ToListAsync())
            .Select(k => k[..k.LastIndexOf(':')]).Order(StringComparer.Ordinal).ToList();
    }

    protected static List<string> Sorted(params string[] keys) => [.. keys.Order(StringComparer.Ordinal)];

    /// <summary>A task step's key without the conversation it goes to.</summary>
    protected static string Key(string step, Person to) => $"chase:{TaskId:N}:{Due:yyyyMMdd}:{step}:{to.Id:N}";

    private static EvidenceChaser Chaser(Core.Storage.ComplianceDbContext db, DateTimeOffset at, IAccessDirectory? directory = null) =>
        new(db, directory ?? new ManagerDirectory(configured: false), new FakeTimeProvider(at), Options.Create(new ChaserOptions()),
            Options.Create(new ReviewOptions()), NullLogger<EvidenceChaser>.Instance);

    private async Task SetTaskAsync(Action<EvidenceTask> change)
    {
        await using var db = _store.NewContext();
        change(await db.EvidenceTasks.SingleAsync(t => t.Id == TaskId));
        await db.SaveChangesAsync();
    }

    /// <summary>A review due with the task: Rita has decided 10 of her 12 accounts, Ron all 3 of his.</summary>
    private async Task<Guid> RunningReviewAsync()
    {
        await using var db = _store.NewContext();
        await db.EvidenceTasks.ExecuteDeleteAsync();
        var campaign = new AccessReviewCampaign { Name = "Finance ERP", ResourceId = "erp", ResourceKind = ReviewResourceKind.CsvAccounts, DueDate = Due, Status = CampaignStatus.Running };
        campaign.Items.AddRange(Enumerable.Range(0, 12).Select(i => new AccessReviewItem
        {
            SubjectId = $"a{i:00}",
            SubjectDisplayName = $"Account {i:00}",
            Access = "app role Reader",
            ReviewerId = Rita.Id,
            Decision = i < 10 ? ReviewDecision.Keep : i == 10 ? ReviewDecision.NotSure : ReviewDecision.Undecided,
        }));
        campaign.Items.AddRange(Enumerable.Range(0, 3).Select(i => new AccessReviewItem
        {
            SubjectId = $"r{i}",
            SubjectDisplayName = $"Other {i}",
            Access = "app role Reader",
            ReviewerId = Ron.Id,
            Decision = ReviewDecision.Revoke,
        }));
        db.AccessReviewCampaigns.Add(campaign);
        await db.SaveChangesAsync();
        return campaign.Id;
    }

    private static DateTimeOffset At(int month, int day, int hour) => new(2027, month, day, hour, 5, 0, TimeSpan.Zero);

    private static Person NewPerson(string name, string timeZone, PersonRoles roles = PersonRoles.ControlOwner) => new()
    {
        Email = $"{name}@example.com",
        DisplayName = name[..1].ToUpperInvariant() + name[1..],
        TimeZone = timeZone,
        Roles = roles | PersonRoles.Employee,
    };
}
