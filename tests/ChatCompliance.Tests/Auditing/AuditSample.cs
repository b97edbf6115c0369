using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Auditing;

/// <summary>
/// A small programme for export tests: three controls, five evidence tasks (four in 2026, one the year before),
/// their audit trail (entries 1-9) and one entry about something else (10).
/// </summary>
public sealed record AuditSample(
    Guid AccessReview, Guid FirewallReview, Guid Awareness, Guid LastYear, Guid Q4Firewall, string OwnerEmail, string LeadEmail)
{
    public static readonly DateOnly From = new(2026, 1, 1);
    public static readonly DateOnly To = new(2026, 12, 31);

    public const int TrailEntries = 10;

    /// <summary>The entries about the four tasks of 2026.</summary>
    public const int EntriesAbout2026Tasks = 7;

    public static async Task<AuditSample> SeedAsync(ComplianceDbContext db, FakeTimeProvider time)
    {
        var trail = new AuditTrail(time, TestAuditKeys.Ring);
        var now = time.GetUtcNow();
        var owner = new Person { Email = "olivia@example.com", DisplayName = "Olivia Owner", Roles = PersonRoles.ControlOwner, CreatedAt = now };
        var lead = new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.ComplianceLead, CreatedAt = now };
        var access = new Control { Code = "AC-01", Title = "Quarterly access review", Soc2Refs = ["CC6.2", "CC6.3"], Iso27001Refs = ["A.5.18"], CreatedAt = now };
        var firewall = new Control { Code = "NW-01", Title = "Firewall rule review", Soc2Refs = ["CC6.6"], CreatedAt = now };
        var awareness = new Control { Code = "HR-01", Title = "Security awareness training", Iso27001Refs = ["A.6.3"], CreatedAt = now };

        EvidenceTask Task(Control control, string title, DateOnly due, DateOnly? periodStart = null, DateOnly? periodEnd = null) => new()
        {
            ControlId = control.Id,
            Title = title,
            OwnerId = owner.Id,
            DueDate = due,
            PeriodStart = periodStart,
            PeriodEnd = periodEnd,
            CreatedAt = now,
            UpdatedAt = now,
        };

        var q1Access = Task(access, "Q1 access review", new DateOnly(2026, 3, 31));
        var q2Firewall = Task(firewall, "Q2 firewall rule review", new DateOnly(2026, 6, 30));
        var training = Task(awareness, "2026 training completion", new DateOnly(2026, 9, 30));
        var lastYear = Task(access, "Q4 2025 access review", new DateOnly(2025, 12, 31));
        var q4Firewall = Task(firewall, "Q4 firewall rule review", new DateOnly(2027, 1, 15), new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31));

        await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            db.AddRange(owner, lead, access, firewall, awareness, q1Access, q2Firewall, training, lastYear, q4Firewall);
            foreach (var task in new[] { q1Access, q2Firewall, training, lastYear, q4Firewall })
            {
                await trail.AppendAsync(db, new AuditRecord("system", null, Platform.System, "task.created",
                    AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), null, """{"status":"Open"}""", null), ct);
            }
        });

        time.Advance(TimeSpan.FromDays(10));
        await SubmitAsync(db, trail, time, q1Access, owner, "https://evidence.example.com/ac-01/q1", "export, signed by the CISO");
        time.Advance(TimeSpan.FromDays(1));
        await DecideAsync(db, trail, time, q1Access, lead, "complete and signed");
        time.Advance(TimeSpan.FromDays(30));
        await SubmitAsync(db, trail, time, q2Firewall, owner, "https://evidence.example.com/nw-01/q2", null);
        await DecideAsync(db, trail, time, lastYear, lead, "accepted late");

        await AuditTrail.RunInTransactionAsync(db, ct => trail.AppendAsync(db, new AuditRecord(lead.Email, lead.Id, Platform.Slack, "question.answered",
            "Question", Guid.NewGuid().ToString(), null, """{"answer":"yes"}""", null), ct));

        return new AuditSample(q1Access.Id, q2Firewall.Id, training.Id, lastYear.Id, q4Firewall.Id, owner.Email, lead.Email);
    }

    private static Task SubmitAsync(ComplianceDbContext db, AuditTrail trail, TimeProvider time, EvidenceTask task, Person owner, string url, string? note) =>
        AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            task.Status = EvidenceTaskStatus.Submitted;
            task.EvidenceUrl = url;
            task.EvidenceNote = note;
            task.SubmittedAt = task.UpdatedAt = time.GetUtcNow();
            task.Version++;
            await trail.AppendAsync(db, new AuditRecord(owner.Email, owner.Id, Platform.Teams, "task.submitted",
                AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), """{"status":"Open"}""", $$"""{"status":"Submitted","evidenceUrl":"{{url}}"}""", note), ct);
        });

    private static Task DecideAsync(ComplianceDbContext db, AuditTrail trail, TimeProvider time, EvidenceTask task, Person lead, string reason) =>
        AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            var before = task.Status;
            task.Status = EvidenceTaskStatus.Accepted;
            task.DecidedById = lead.Id;
            task.DecidedAt = task.UpdatedAt = time.GetUtcNow();
            task.DecisionReason = reason;
            task.Version++;
            await trail.AppendAsync(db, new AuditRecord(lead.Email, lead.Id, Platform.Teams, "task.accepted",
                AuditSubjects.EvidenceTask, AuditSubjects.Id(task.Id), $$"""{"status":"{{before}}"}""", """{"status":"Accepted"}""", reason), ct);
        });
}
