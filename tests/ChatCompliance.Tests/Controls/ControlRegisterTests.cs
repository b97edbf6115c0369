using System.Text;
using ChatCompliance.Core.Controls;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using ChatCompliance.Tests.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Controls;

public sealed class SqliteControlRegisterTests(SqliteTestStore store) : ControlRegisterTests(store), IClassFixture<SqliteTestStore>;

public sealed class PostgresControlRegisterTests(PostgresTestStore store) : ControlRegisterTests(store), IClassFixture<PostgresTestStore>;

/// <summary>The control register's CSV import and export on each store, checked against the repository's catalogs.</summary>
public abstract class ControlRegisterTests(ITestStore store) : IAsyncLifetime
{
    private const string Header = "control_id,title,soc2_refs,iso27001_refs,owner_email,evidence_description,frequency";

    /// <summary>A register as an export writes it: CRLF, ordered by control id, a quoted comma, a line break and a formula-looking value.</summary>
    internal const string GoodFile =
        Header + "\r\n"
        + "AC-01,Quarterly user access review,CC6.2;CC6.3,A.5.18;9.2,alice@example.com,\"Signed export, one per system\",quarterly\r\n"
        + "CM-01,Change approval,CC8.1,A.8.32,bob@example.com,\"Ticket with approver\r\nand reviewer\",monthly\r\n"
        + "FX-01,Formula-looking evidence,,A.5.1,,\"'=HYPERLINK(\"\"x\"\")\",annual\r\n"
        + "IR-01,Incident response plan,,A.5.24,,,on-demand\r\n";

    private static readonly Catalog Catalog = Catalog.Load(Path.Combine(KnowledgeFixture.RepositoryRoot, "knowledge", "catalogs"));

    private readonly ITestStore _store = store;

    /// <summary>One database per class, emptied before each test.</summary>
    public async Task InitializeAsync()
    {
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        await db.Controls.ExecuteDeleteAsync();
        await db.People.ExecuteDeleteAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_good_file_imports_every_control_and_adds_unknown_owners_as_control_owners()
    {
        var report = await ImportAsync(GoodFile);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.True(report.Imported);
        Assert.Equal(4, report.Rows);
        Assert.Equal(["AC-01", "CM-01", "FX-01", "IR-01"], report.Created);
        Assert.Equal(["alice@example.com", "bob@example.com"], report.PeopleCreated);
        await using var db = _store.NewContext();
        var access = await db.Controls.Include(c => c.Owner).SingleAsync(c => c.Code == "AC-01");
        Assert.Equal(["CC6.2", "CC6.3"], access.Soc2Refs);
        Assert.Equal(["A.5.18", "9.2"], access.Iso27001Refs);
        Assert.Equal(EvidenceFrequency.Quarterly, access.Frequency);
        Assert.Equal("Signed export, one per system", access.EvidenceDescription);
        Assert.Equal("alice@example.com", access.Owner!.Email);
        Assert.True(access.Owner.Has(PersonRoles.Employee | PersonRoles.ControlOwner));
        Assert.Equal("Ticket with approver\r\nand reviewer", (await db.Controls.SingleAsync(c => c.Code == "CM-01")).EvidenceDescription);
        Assert.Equal("=HYPERLINK(\"x\")", (await db.Controls.SingleAsync(c => c.Code == "FX-01")).EvidenceDescription);
        Assert.Null((await db.Controls.SingleAsync(c => c.Code == "IR-01")).OwnerId);
    }

    [Fact]
    public async Task Every_bad_row_is_reported_with_line_column_and_reason_and_nothing_is_imported()
    {
        var file = Header + "\n"
            + "AC-01,Access review,CC6.2,A.5.18,alice@example.com,,quarterly\n"
            + "AC-02,,CC9.9,A.5.18,not-an-email,,weekly\n"
            + "ac-01,Duplicate,CC6.1,A.99.1;CC7.2,bob@example.com,,monthly\n"
            + ",No id,,,,,annual\n"
            + "AC-05,Too few fields\n";

        foreach (var dryRun in new[] { true, false })
        {
            var report = await ImportAsync(file, dryRun);

            Assert.False(report.Imported);
            Assert.Equal(5, report.Rows);
            var errors = report.Errors.Select(e => (e.Line, e.Column)).ToList();
            Assert.Equal(
            [
                (3, "title"), (3, "soc2_refs"), (3, "owner_email"), (3, "frequency"),
                (4, "control_id"), (4, "iso27001_refs"), (4, "iso27001_refs"),
                (5, "control_id"),
                (6, (string?)null),
            ], errors);
            Assert.Contains(report.Errors, e => e.Line == 3 && e.Reason == "unknown SOC 2 criterion 'CC9.9'");
            Assert.Contains(report.Errors, e => e.Line == 3 && e.Reason.Contains("'not-an-email' is not an email address", StringComparison.Ordinal));
            Assert.Contains(report.Errors, e => e.Line == 3 && e.Reason.Contains("'weekly' is not a frequency", StringComparison.Ordinal));
            Assert.Contains(report.Errors, e => e.Line == 4 && e.Reason == "duplicate control id 'ac-01' (first on line 2)");
            Assert.Contains(report.Errors, e => e.Line == 4 && e.Reason == "unknown ISO/IEC 27001:2022 clause or Annex A control 'A.99.1'");
            Assert.Contains(report.Errors, e => e.Line == 4 && e.Reason.StartsWith("'CC7.2' is a SOC 2 criterion", StringComparison.Ordinal));
            Assert.Contains(report.Errors, e => e.Line == 5 && e.Reason == "control id is required");
            Assert.Contains(report.Errors, e => e.Line == 6 && e.Reason == "has 2 fields; the header has 7");
        }

        await using var db = _store.NewContext();
        Assert.Empty(await db.Controls.ToListAsync());
        Assert.Empty(await db.People.ToListAsync());
    }

    [Fact]
    public async Task A_dry_run_reports_what_would_change_and_imports_nothing()
    {
        var report = await ImportAsync(GoodFile, dryRun: true);

        Assert.True(report.IsValid);
        Assert.False(report.Imported);
        Assert.Equal(["AC-01", "CM-01", "FX-01", "IR-01"], report.Created);
        Assert.Equal(["alice@example.com", "bob@example.com"], report.PeopleCreated);
        await using var db = _store.NewContext();
        Assert.Empty(await db.Controls.ToListAsync());
        Assert.Empty(await db.People.ToListAsync());
    }

    [Fact]
    public async Task Importing_again_upserts_by_control_id_ignoring_case_and_leaves_other_controls_alone()
    {
        await ImportAsync(GoodFile);
        var again = Header + "\n"
            + "ac-01,Monthly user access review,CC6.2,A.5.18,carol@example.com,,monthly\n"
            + "IR-01,Incident response plan,,A.5.24,,,on-demand\n"
            + "NW-01,New control,CC1.1,,,,annual\n";

        var report = await ImportAsync(again);

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Equal(["ac-01"], report.Updated);
        Assert.Equal(["IR-01"], report.Unchanged);
        Assert.Equal(["NW-01"], report.Created);
        Assert.Equal(["carol@example.com"], report.PeopleCreated);
        await using var db = _store.NewContext();
        Assert.Equal(5, await db.Controls.CountAsync());
        var access = await db.Controls.Include(c => c.Owner).SingleAsync(c => c.Code == "ac-01");
        Assert.Equal("Monthly user access review", access.Title);
        Assert.Equal(["CC6.2"], access.Soc2Refs);
        Assert.Equal("carol@example.com", access.Owner!.Email);
    }

    [Fact]
    public async Task An_existing_person_named_as_owner_becomes_a_control_owner_and_an_inactive_one_is_refused()
    {
        await using (var db = _store.NewContext())
        {
            db.People.Add(new Person { Email = "dana@example.com", DisplayName = "Dana", Roles = PersonRoles.Employee, CreatedAt = DateTimeOffset.UtcNow });
            db.People.Add(new Person { Email = "gone@example.com", DisplayName = "Gone", IsActive = false, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var refused = await ImportAsync(Header + "\nAC-01,Access,,,gone@example.com,,annual\n");
        var accepted = await ImportAsync(Header + "\nAC-01,Access,,,Dana@Example.com,,annual\n");

        Assert.Equal((2, "owner_email"), (Assert.Single(refused.Errors).Line, refused.Errors[0].Column));
        Assert.True(accepted.IsValid);
        Assert.Empty(accepted.PeopleCreated);
        await using var check = _store.NewContext();
        Assert.True((await check.People.SingleAsync(p => p.Email == "dana@example.com")).Has(PersonRoles.ControlOwner));
    }

    [Fact]
    public async Task Export_writes_back_exactly_the_file_that_was_imported()
    {
        await ImportAsync(GoodFile);

        using var output = new MemoryStream();
        await using (var db = _store.NewContext())
        {
            Assert.Equal(4, await new ControlRegister(db, Catalog, TimeProvider.System, new ChatCompliance.Core.Audit.ChangeRecorder(db, new ChatCompliance.Core.Audit.AuditTrail(TimeProvider.System, TestAuditKeys.Ring))).ExportAsync(output));
        }

        Assert.Equal(GoodFile, Encoding.UTF8.GetString(output.ToArray()));
        var again = await ImportAsync(Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(4, again.Unchanged.Count);
    }

    [Fact]
    public async Task Header_problems_are_reported_on_line_1_by_column()
    {
        var report = await ImportAsync("control_id,title,soc2_ref,iso27001_refs,owner_email,evidence_description,frequency,notes\nAC-01,x,,,,,annual\n");

        Assert.Equal(
            [(1, "soc2_ref", "unknown column"), (1, "notes", "unknown column"), (1, "soc2_refs", "missing column")],
            report.Errors.Select(e => (e.Line, e.Column, e.Reason.Split(';')[0])));
        Assert.Contains("the file is empty", Assert.Single((await ImportAsync("")).Errors.Take(1)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_may_come_in_any_order_with_a_byte_order_mark_and_extra_spaces()
    {
        var report = await ImportAsync("\uFEFFfrequency, Title ,control_id,owner_email,soc2_refs,iso27001_refs,evidence_description\nannual,Access, AC-01 ,,cc6.1 ; SOC2:CC6.2,a.5.15,\n");

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        await using var db = _store.NewContext();
        var control = await db.Controls.SingleAsync();
        Assert.Equal("AC-01", control.Code);
        Assert.Equal(["CC6.1", "CC6.2"], control.Soc2Refs);
        Assert.Equal(["A.5.15"], control.Iso27001Refs);
    }

    [Fact]
    public async Task Malformed_quoting_is_reported_with_its_line_and_nothing_is_imported()
    {
        var report = await ImportAsync(Header + "\nAC-01,Fine,,,,,annual\nAC-02,\"Broken\"title,,,,,annual\n");

        var error = Assert.Single(report.Errors);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("not valid CSV", error.Reason, StringComparison.Ordinal);
        await using var db = _store.NewContext();
        Assert.Empty(await db.Controls.ToListAsync());
    }

    private async Task<ControlImportReport> ImportAsync(string csv, bool dryRun = false)
    {
        await using var db = _store.NewContext();
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await new ControlRegister(db, Catalog, TimeProvider.System, new ChatCompliance.Core.Audit.ChangeRecorder(db, new ChatCompliance.Core.Audit.AuditTrail(TimeProvider.System, TestAuditKeys.Ring))).ImportAsync(input, dryRun, new ChatCompliance.Core.Tasks.TaskActor(null, ChatCompliance.Core.Domain.Platform.Cli, "test"));
    }
}
