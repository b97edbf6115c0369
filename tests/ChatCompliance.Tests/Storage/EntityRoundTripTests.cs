using System.Text.Json;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Storage;

public sealed class SqliteEntityRoundTripTests(SqliteTestStore store) : EntityRoundTripTests(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresEntityRoundTripTests(PostgresTestStore store) : EntityRoundTripTests(store), IClassFixture<PostgresTestStore>;

/// <summary>Every entity, with every field set, reads back exactly as written: the same tests on each provider.</summary>
public abstract class EntityRoundTripTests(ITestStore store) : MigratedStoreTests(store)
{
    // Whole microseconds in UTC: the finest precision both providers keep.
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 30, 15, 123, 456, TimeSpan.Zero);

    [Fact]
    public async Task Person_round_trips()
    {
        var manager = NewPerson("manager");
        var person = NewPerson("alice");
        person.ManagerId = manager.Id;
        person.Roles = PersonRoles.Employee | PersonRoles.ControlOwner | PersonRoles.Reviewer;
        person.TimeZone = "Europe/Berlin";
        person.TeamsUserId = "29:1abc";
        person.EntraObjectId = "00000000-0000-0000-0000-0000000000a1";
        person.SlackUserId = "U012AB3CD";
        person.SlackTeamId = "T0001";
        await AssertRoundTripAsync(person, db => db.People, manager);
    }

    [Fact]
    public async Task Control_round_trips_with_its_reference_lists()
    {
        var owner = NewPerson("owner");
        var control = new Control
        {
            Code = $"AC-{Guid.NewGuid():N}"[..12],
            Title = "Quarterly user access review",
            Soc2Refs = ["CC6.2", "CC6.3"],
            Iso27001Refs = ["A.5.18", "9.2"],
            EvidenceDescription = "Signed review export",
            Frequency = EvidenceFrequency.Quarterly,
            OwnerId = owner.Id,
            CreatedAt = Now,
        };
        await AssertRoundTripAsync(control, db => db.Controls, owner);
    }

    [Fact]
    public async Task EvidenceTask_round_trips()
    {
        var owner = NewPerson("owner");
        var deputy = NewPerson("deputy");
        var control = new Control { Code = $"C-{Guid.NewGuid():N}"[..10], Title = "Firewall review", OwnerId = owner.Id, CreatedAt = Now };
        var task = new EvidenceTask
        {
            ControlId = control.Id,
            Title = "Q4 firewall rule review",
            OwnerId = owner.Id,
            DelegateId = deputy.Id,
            DueDate = new DateOnly(2027, 1, 15),
            PeriodStart = new DateOnly(2026, 10, 1),
            PeriodEnd = new DateOnly(2026, 12, 31),
            Status = EvidenceTaskStatus.Rejected,
            EvidenceUrl = "https://example.com/evidence/1",
            EvidenceNote = "export attached",
            SubmittedAt = Now,
            DecidedById = owner.Id,
            DecidedAt = Now.AddHours(1),
            DecisionReason = "missing approver",
            Version = 3,
            CreatedAt = Now,
            UpdatedAt = Now.AddHours(1),
        };
        await AssertRoundTripAsync(task, db => db.EvidenceTasks, owner, deputy, control);
    }

    [Fact]
    public async Task AccessReviewCampaign_and_items_round_trip()
    {
        var reviewer = NewPerson("reviewer");
        var campaign = new AccessReviewCampaign
        {
            Name = "Q1 production database access",
            ResourceKind = ReviewResourceKind.EnterpriseApplication,
            ResourceId = "sp-123",
            ResourceName = "Prod DB",
            ResourceOwnerId = reviewer.Id,
            ReviewerRule = ReviewerRule.Manager,
            FallbackReviewerId = reviewer.Id,
            PeriodStart = new DateOnly(2027, 1, 1),
            PeriodEnd = new DateOnly(2027, 3, 31),
            DueDate = new DateOnly(2027, 1, 31),
            Recurrence = Recurrence.Quarterly,
            UndecidedRule = UndecidedRule.ApplyRecommendation,
            RemoveThroughGraph = true,
            Status = CampaignStatus.Running,
            SnapshotAt = Now,
            CreatedById = reviewer.Id,
            CreatedAt = Now,
            CompletedAt = Now.AddDays(30),
            Version = 2,
        };
        var item = new AccessReviewItem
        {
            CampaignId = campaign.Id,
            SubjectId = "user-1",
            SubjectDisplayName = "Bob Guest",
            SubjectEmail = "bob@partner.example",
            Access = "db_reader",
            AccountEnabled = false,
            IsGuest = true,
            HasSponsor = false,
            LastSignInAt = Now.AddDays(-120),
            Recommendation = ReviewRecommendation.Revoke,
            RecommendationReason = "disabled; no sign-in for 120 days",
            ReviewerId = reviewer.Id,
            Decision = ReviewDecision.Revoke,
            Justification = "left the project",
            DecidedById = reviewer.Id,
            DecidedAt = Now,
            RemediationStatus = RemediationStatus.Done,
            RemediationNote = "removed through Graph",
            RemediatedAt = Now.AddMinutes(5),
            Version = 2,
        };
        await AssertRoundTripAsync(campaign, db => db.AccessReviewCampaigns, reviewer);
        await AssertRoundTripAsync(item, db => db.AccessReviewItems);
    }

    [Fact]
    public async Task Audit_round_trips()
    {
        var audit = new Audit
        {
            Framework = Framework.Soc2,
            Kind = AuditKind.Soc2Type2,
            Name = "SOC 2 Type 2 2027",
            StartsOn = new DateOnly(2027, 2, 1),
            EndsOn = new DateOnly(2027, 2, 28),
            PeriodStart = new DateOnly(2026, 1, 1),
            PeriodEnd = new DateOnly(2026, 12, 31),
            FieldworkStart = new DateOnly(2027, 2, 1),
            FieldworkEnd = new DateOnly(2027, 2, 20),
            CertificateExpiresOn = new DateOnly(2029, 3, 1),
            Auditor = "Example CPA LLP",
            CreatedAt = Now,
        };
        await AssertRoundTripAsync(audit, db => db.Audits);
    }

    [Fact]
    public async Task AuditTrailEntry_round_trips_with_the_sequence_number_it_was_given()
    {
        var first = NewTrailEntry(1, "task.created");
        var second = NewTrailEntry(2, "task.submitted");
        await AssertRoundTripAsync(first, db => db.AuditTrail);
        await AssertRoundTripAsync(second, db => db.AuditTrail);
        Assert.Equal([1L, 2L], [first.Sequence, second.Sequence]);
    }

    [Fact]
    public async Task OutboxMessage_round_trips_and_idempotency_keys_are_unique()
    {
        var key = $"reminder:{Guid.NewGuid()}";
        var message = new OutboxMessage
        {
            IdempotencyKey = key,
            Platform = Platform.Slack,
            ConversationReferenceId = Guid.NewGuid(),
            RecipientPersonId = Guid.NewGuid(),
            Kind = "reminder",
            Payload = """{"text":"due soon"}""",
            Attempts = 2,
            NextAttemptAt = Now.AddSeconds(30),
            SentAt = Now,
            SentMessageId = "1700000000.000100",
            DeadLetteredAt = null,
            LastError = "429 Too Many Requests",
            CreatedAt = Now,
        };
        await AssertRoundTripAsync(message, db => db.Outbox);

        await using var db = Store.NewContext();
        db.Outbox.Add(new OutboxMessage { IdempotencyKey = key, Kind = "reminder", Payload = "{}", CreatedAt = Now });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task ConversationReference_round_trips()
    {
        var reference = new ConversationReference
        {
            Platform = Platform.Teams,
            Scope = ConversationScope.Channel,
            ConversationId = $"19:{Guid.NewGuid():N}@thread.tacv2",
            ServiceUrl = "https://smba.trafficmanager.net/emea/",
            TenantId = "tenant-1",
            TeamId = "19:team@thread.tacv2",
            BotId = "28:app-id",
            UserId = "29:user",
            PersonId = Guid.NewGuid(),
            Name = "Compliance",
            UpdatedAt = Now,
        };
        await AssertRoundTripAsync(reference, db => db.ConversationReferences);
    }

    [Fact]
    public async Task Question_round_trips()
    {
        var question = new Question
        {
            Text = "does iso cover our payroll process?",
            AskedById = Guid.NewGuid(),
            AskedOn = Platform.Slack,
            ConversationReferenceId = Guid.NewGuid(),
            AskedAt = Now,
            Status = QuestionStatus.AnsweredByLead,
            EntryId = null,
            Confidence = 0.125,
            HandedOffAt = Now.AddMinutes(1),
            Answer = "Only if it is in the ISMS scope.",
            AnsweredById = Guid.NewGuid(),
            AnsweredAt = Now.AddHours(2),
        };
        await AssertRoundTripAsync(question, db => db.Questions);
    }

    [Fact]
    public async Task ApiKey_round_trips()
    {
        var key = new ApiKey
        {
            Name = "grc-sync",
            Role = ApiKeyRole.Admin,
            SecretHash = new string('f', 64),
            CreatedBy = "cli",
            CreatedAt = Now,
            LastUsedAt = Now.AddMinutes(5),
            RevokedAt = Now.AddDays(1),
        };
        await AssertRoundTripAsync(key, db => db.ApiKeys);
    }

    [Fact]
    public async Task Two_people_cannot_share_an_email()
    {
        var email = $"same-{Guid.NewGuid():N}@example.com";
        await using var db = Store.NewContext();
        db.People.Add(new Person { Email = email, DisplayName = "One", CreatedAt = Now });
        db.People.Add(new Person { Email = email, DisplayName = "Two", CreatedAt = Now });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static Person NewPerson(string name) => new()
    {
        Email = $"{name}-{Guid.NewGuid():N}@example.com",
        DisplayName = name,
        CreatedAt = Now,
    };

    private static AuditTrailEntry NewTrailEntry(long sequence, string action) => new()
    {
        Sequence = sequence,
        OccurredAt = Now,
        Platform = Platform.Teams,
        Actor = "alice@example.com",
        ActorPersonId = Guid.NewGuid(),
        Action = action,
        SubjectType = nameof(EvidenceTask),
        SubjectId = Guid.NewGuid().ToString(),
        Before = """{"status":"Open"}""",
        After = """{"status":"Submitted"}""",
        Reason = "evidence link",
        PreviousHash = new string('0', 64),
        Hash = new string('a', 64),
    };

    /// <summary>Saves the entity (after what it depends on), reads it back in a new context, and compares every field.</summary>
    private async Task AssertRoundTripAsync<T>(T entity, Func<ComplianceDbContext, IQueryable<T>> set, params object[] dependencies)
        where T : class
    {
        await using (var db = Store.NewContext())
        {
            foreach (var dependency in dependencies)
            {
                db.Add(dependency);
            }

            db.Add(entity);
            await db.SaveChangesAsync();
        }

        await using (var db = Store.NewContext())
        {
            var key = db.Model.FindEntityType(typeof(T))!.FindPrimaryKey()!.Properties.Single().PropertyInfo!;
            var id = key.GetValue(entity);
            var loaded = await set(db).AsNoTracking().ToListAsync();
            var match = Assert.Single(loaded, e => Equals(key.GetValue(e), id));
            var properties = db.Model.FindEntityType(typeof(T))!.GetProperties().Select(p => p.PropertyInfo!).ToList();
            Assert.Equal(Snapshot(entity, properties), Snapshot(match, properties));
        }
    }

    /// <summary>Every mapped column's value, as JSON: navigations are left out.</summary>
    private static string Snapshot(object entity, IEnumerable<System.Reflection.PropertyInfo> properties) =>
        JsonSerializer.Serialize(properties.ToDictionary(p => p.Name, p => p.GetValue(entity)));
}
