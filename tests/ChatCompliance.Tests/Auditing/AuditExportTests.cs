using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Auditing;

public sealed class SqliteAuditExportTests : AuditExportTests<SqliteTestStore>;

public sealed class PostgresAuditExportTests : AuditExportTests<PostgresTestStore>;

/// <summary>The auditor's export: which tasks and entries a period, a control or a framework takes in.</summary>
public abstract class AuditExportTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private readonly TStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private AuditSample _sample = null!;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        _sample = await AuditSample.SeedAsync(db, _time);
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Export_for_a_period_has_its_tasks_every_entry_about_them_and_the_chain_head()
    {
        var export = await ExportAsync(new AuditExportRequest(AuditSample.From, AuditSample.To));

        Assert.Equal("all controls", export.Scope);
        Assert.Equal(_time.GetUtcNow(), export.GeneratedAt);
        Assert.Equal([_sample.AccessReview, _sample.Awareness, _sample.FirewallReview, _sample.Q4Firewall], export.Tasks.Select(t => t.TaskId));

        var accessReview = export.Tasks[0];
        Assert.Equal(("AC-01", "Quarterly access review"), (accessReview.ControlCode, accessReview.ControlTitle));
        Assert.Equal(["CC6.2", "CC6.3"], accessReview.Soc2Refs);
        Assert.Equal(["A.5.18"], accessReview.Iso27001Refs);
        Assert.Equal((_sample.OwnerEmail, "Olivia Owner"), (accessReview.Owner, accessReview.OwnerName));
        Assert.Equal(new DateOnly(2026, 3, 31), accessReview.DueDate);
        Assert.Equal(EvidenceTaskStatus.Accepted, accessReview.Status);
        Assert.Equal("https://evidence.example.com/ac-01/q1", accessReview.EvidenceUrl);
        Assert.Equal("export, signed by the CISO", accessReview.EvidenceNote);
        Assert.NotNull(accessReview.SubmittedAt);
        Assert.NotNull(accessReview.DecidedAt);
        Assert.Equal(_sample.LeadEmail, accessReview.DecidedBy);
        Assert.Equal("complete and signed", accessReview.DecisionReason);

        Assert.Equal([1L, 2L, 3L, 5L, 6L, 7L, 8L], export.TrailEntries.Select(e => e.Sequence));
        var exported = export.Tasks.Select(t => AuditSubjects.Id(t.TaskId)).ToHashSet();
        Assert.All(export.TrailEntries, e => Assert.Contains(e.SubjectId, exported));
        var accepted = Assert.Single(export.TrailEntries, e => e.Action == "task.accepted");
        Assert.Equal((_sample.LeadEmail, "complete and signed", Platform.Teams), (accepted.Actor, accepted.Reason, accepted.Platform));

        await using var db = _store.NewContext();
        var head = await db.AuditTrail.OrderByDescending(e => e.Sequence).FirstAsync();
        Assert.True(export.Chain.Intact, export.Chain.Summary);
        Assert.Equal(AuditSample.TrailEntries, export.Chain.Entries);
        Assert.Equal((head.Sequence, head.Hash), (export.Chain.HeadSequence, export.Chain.HeadHash));
    }

    [Fact]
    public async Task Export_for_one_control_has_only_its_tasks()
    {
        var export = await ExportAsync(new AuditExportRequest(AuditSample.From, AuditSample.To) { ControlCode = "ac-01" });

        Assert.Equal("control AC-01", export.Scope);
        Assert.Equal([_sample.AccessReview], export.Tasks.Select(t => t.TaskId));
        Assert.Equal([1L, 6L, 7L], export.TrailEntries.Select(e => e.Sequence));
    }

    [Theory]
    [InlineData(Framework.Soc2, null, "SOC 2", "AC-01 NW-01 NW-01")]
    [InlineData(Framework.Iso27001, null, "ISO/IEC 27001", "AC-01 HR-01")]
    [InlineData(Framework.Soc2, "cc6.6", "SOC 2 cc6.6", "NW-01 NW-01")]
    [InlineData(Framework.Iso27001, "A.5.18", "ISO/IEC 27001 A.5.18", "AC-01")]
    [InlineData(Framework.Soc2, "CC9.9", "SOC 2 CC9.9", "")]
    public async Task Export_for_a_framework_has_the_tasks_of_controls_mapped_to_it(Framework framework, string? reference, string scope, string controls)
    {
        var export = await ExportAsync(new AuditExportRequest(AuditSample.From, AuditSample.To) { Framework = framework, Reference = reference });

        Assert.Equal(scope, export.Scope);
        Assert.Equal(controls, string.Join(' ', export.Tasks.Select(t => t.ControlCode)));
    }

    [Fact]
    public async Task Requests_that_make_no_sense_are_refused_with_the_reason()
    {
        async Task<string> RefusedAsync(AuditExportRequest request) =>
            (await Assert.ThrowsAsync<AuditExportException>(() => ExportAsync(request))).Message;

        Assert.Equal("the period starts (2026-12-31) after it ends (2026-01-01)", await RefusedAsync(new(AuditSample.To, AuditSample.From)));
        Assert.Equal("export one control or one framework, not both",
            await RefusedAsync(new(AuditSample.From, AuditSample.To) { ControlCode = "AC-01", Framework = Framework.Soc2 }));
        Assert.Equal("the reference CC6.2 needs its framework (SOC 2 or ISO 27001)",
            await RefusedAsync(new(AuditSample.From, AuditSample.To) { Reference = "CC6.2" }));
        Assert.Equal("no control has the code XX-99", await RefusedAsync(new(AuditSample.From, AuditSample.To) { ControlCode = "XX-99" }));
    }

    [Fact]
    public async Task Export_of_a_tampered_trail_says_which_entry_was_changed()
    {
        await using (var db = _store.NewContext())
        {
            await db.Database.ExecuteSqlAsync($"""UPDATE "AuditTrail" SET "Reason" = 'fine' WHERE "Sequence" = 7""");
        }

        var export = await ExportAsync(new AuditExportRequest(AuditSample.From, AuditSample.To));

        Assert.False(export.Chain.Intact);
        Assert.Equal("entry 7 was altered: its MAC does not match its content (key test)", export.Chain.Summary);
        Assert.Equal(AuditSample.TrailEntries, export.Chain.HeadSequence);
    }

    private async Task<AuditExport> ExportAsync(AuditExportRequest request)
    {
        await using var db = _store.NewContext();
        return await new AuditExporter(db, TestAuditKeys.Ring, _time).ExportAsync(request);
    }
}
