using System.Text.Json;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Auditing;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Cli;

/// <summary><c>audit verify</c> and <c>audit export</c> of the real program, on the default SQLite store.</summary>
public sealed class AuditCommandLineTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-audit-cli-").FullName;
    private AuditSample _sample = null!;

    private Dictionary<string, string> Env => new() { ["Storage__DataDirectory"] = _data };

    public async Task InitializeAsync()
    {
        await using var db = OpenStore();
        await db.Database.MigrateAsync();
        _sample = await AuditSample.SeedAsync(db, new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Audit_verify_reports_an_intact_chain_with_its_head_and_exits_0()
    {
        var result = await BotProcess.RunAsync(["audit", "verify"], Env);

        Assert.True(result.Exit == 0, result.Stderr + result.Stdout);
        Assert.Equal($"chain intact: {AuditSample.TrailEntries} entries, head {await HeadHashAsync()}", result.Stdout.Trim());
    }

    [Fact]
    public async Task Audit_verify_names_the_altered_entry_and_exits_1()
    {
        await using (var db = OpenStore())
        {
            await db.Database.ExecuteSqlAsync($"""UPDATE "AuditTrail" SET "Actor" = 'someone@else.example' WHERE "Sequence" = 6""");
        }

        var result = await BotProcess.RunAsync(["audit", "verify"], Env);

        Assert.Equal(1, result.Exit);
        Assert.Equal("error: entry 6 was altered: its MAC does not match its content (key test)", result.Stderr.Trim());
        Assert.StartsWith($"chain broken: {AuditSample.TrailEntries} entries", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_anchor_appends_the_head_once_and_verify_with_the_anchors_fails_after_a_truncation_naming_the_anchor()
    {
        var file = Path.Combine(_data, "audit-anchors.jsonl");

        var anchored = await BotProcess.RunAsync(["audit", "anchor"], Env);
        var again = await BotProcess.RunAsync(["audit", "anchor"], Env);
        var intact = await BotProcess.RunAsync(["audit", "verify", "--anchors", file], Env);

        Assert.True(anchored.Exit == 0, anchored.Stderr + anchored.Stdout);
        Assert.Equal($"anchored entry {AuditSample.TrailEntries} (MAC {await HeadHashAsync()}, key test) in {file}; queued for 0 channel(s)", anchored.Stdout.Trim());
        Assert.Equal($"entry {AuditSample.TrailEntries} is already the last anchor in {file}; queued for 0 channel(s)", again.Stdout.Trim());
        Assert.Single(await File.ReadAllLinesAsync(file));
        Assert.True(intact.Exit == 0, intact.Stderr + intact.Stdout);
        Assert.EndsWith("; 1 anchor(s) match", intact.Stdout.Trim(), StringComparison.Ordinal);

        await using (var db = OpenStore())
        {
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditTrail" WHERE "Sequence" >= 9""");
        }

        var plain = await BotProcess.RunAsync(["audit", "verify"], Env);
        var cut = await BotProcess.RunAsync(["audit", "verify", "--anchors", file], Env);
        Assert.Equal(0, plain.Exit);
        Assert.Equal(1, cut.Exit);
        Assert.Matches(@"^error: the anchor on line 1 \(anchored \S+\) names entry 10, but the chain ends at entry 8: entries were deleted from its end$", cut.Stderr.Trim());
    }

    [Fact]
    public async Task Audit_verify_without_a_key_outside_Development_fails_naming_the_setting()
    {
        var result = await BotProcess.RunAsync(["audit", "verify"], new Dictionary<string, string> { ["Storage__DataDirectory"] = _data, ["Audit__Keys"] = "" });

        Assert.Equal(1, result.Exit);
        Assert.StartsWith("fail: Audit:Keys is empty: give the audit trail's MAC key as Audit:Keys:{id}", result.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Development_a_local_key_is_generated_once_and_entries_MACed_with_another_key_fail_by_its_id()
    {
        var development = new Dictionary<string, string> { ["Storage__DataDirectory"] = _data, ["Audit__Keys"] = "", ["ASPNETCORE_ENVIRONMENT"] = "Development" };

        var first = await BotProcess.RunAsync(["audit", "verify"], development);
        var key = await File.ReadAllTextAsync(Path.Combine(_data, "audit-key"));
        var second = await BotProcess.RunAsync(["audit", "verify"], development);

        Assert.Equal(44, key.Length); // base64 of 32 bytes
        Assert.Equal(key, await File.ReadAllTextAsync(Path.Combine(_data, "audit-key")));
        Assert.Equal((1, 1), (first.Exit, second.Exit));
        Assert.Equal("error: entry 1 names the MAC key 'test', which is not configured (Audit:Keys:test): it cannot be checked", second.Stderr.Trim());
    }

    [Fact]
    public async Task Audit_verify_with_an_anchor_file_that_is_not_there_exits_2()
    {
        var result = await BotProcess.RunAsync(["audit", "verify", "--anchors", Path.Combine(_data, "nowhere.jsonl")], Env);

        Assert.Equal(2, result.Exit);
        Assert.StartsWith("error: --anchors: there is no file ", result.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_export_writes_csv_for_a_framework_reference_with_the_chain_head()
    {
        var file = Path.Combine(_data, "soc2-cc6.6.csv");

        var result = await BotProcess.RunAsync(["audit", "export", "--from", "2026-01-01", "--to", "2026-12-31", "--framework", "soc2", "--ref", "CC6.6", "--format", "csv", "--out", file], Env);

        Assert.True(result.Exit == 0, result.Stderr + result.Stdout);
        Assert.Contains("2 evidence task(s) and 3 audit-trail entries", result.Stdout, StringComparison.Ordinal);
        var csv = await File.ReadAllTextAsync(file);
        Assert.Contains($"# chain head: entry {AuditSample.TrailEntries}, hash {await HeadHashAsync()}", csv, StringComparison.Ordinal);
        Assert.Contains("# scope: SOC 2 CC6.6", csv, StringComparison.Ordinal);
        var records = AuditExportWriterTests.Read(csv);
        Assert.Equal(["Control", "Control title", "SOC 2", "ISO 27001", "Task", "Task id"], records[0][..6]);
        Assert.Equal([_sample.FirewallReview.ToString(), _sample.Q4Firewall.ToString()], records[1..3].Select(r => r[5]));
        Assert.Equal("https://evidence.example.com/nw-01/q2", records[1][Array.IndexOf(records[0], "Evidence URL")]);
        Assert.Equal("Entry", records[3][0]);
        Assert.Equal(["2", "5", "8"], records[4..].Select(r => r[0]));
    }

    [Fact]
    public async Task Audit_export_writes_json_for_a_control()
    {
        var file = Path.Combine(_data, "ac-01.json");

        var result = await BotProcess.RunAsync(["audit", "export", "--from", "2026-01-01", "--to", "2026-12-31", "--control", "AC-01", "--out", file], Env);

        Assert.True(result.Exit == 0, result.Stderr + result.Stdout);
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(file));
        var root = json.RootElement;
        Assert.Equal("control AC-01", root.GetProperty("scope").GetString());
        Assert.Equal(await HeadHashAsync(), root.GetProperty("chain").GetProperty("headHash").GetString());
        Assert.True(root.GetProperty("chain").GetProperty("intact").GetBoolean());
        var task = Assert.Single(root.GetProperty("tasks").EnumerateArray());
        Assert.Equal(_sample.AccessReview, task.GetProperty("taskId").GetGuid());
        Assert.Equal("Accepted", task.GetProperty("status").GetString());
        Assert.Equal(_sample.LeadEmail, task.GetProperty("decidedBy").GetString());
        Assert.Equal([1L, 6L, 7L], root.GetProperty("trailEntries").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
    }

    [Theory]
    [InlineData("--from 2026-01-01 --format csv", "error: --from and --to are needed, as dates like 2026-01-01")]
    [InlineData("--from 2026-01-01 --to 2026-12-31 --framework pci --format csv", "error: --framework is soc2 or iso27001, not pci")]
    [InlineData("--from 2026-01-01 --to 2026-12-31 --format xml", "error: --format is csv or json (or give --out a .csv or .json file)")]
    [InlineData("--from 2026-01-01 --to 2026-12-31 --control XX-99 --format csv", "error: no control has the code XX-99")]
    public async Task Audit_export_with_a_bad_option_exits_2_with_one_line(string options, string error)
    {
        var result = await BotProcess.RunAsync(["audit", "export", .. options.Split(' ')], Env);

        Assert.Equal(2, result.Exit);
        Assert.Equal(error, result.Stderr.Trim());
        Assert.Empty(result.Stdout);
    }

    private async Task<string> HeadHashAsync()
    {
        await using var db = OpenStore();
        return await db.AuditTrail.OrderByDescending(e => e.Sequence).Select(e => e.Hash).FirstAsync();
    }

    private SqliteComplianceDbContext OpenStore() =>
        new(new DbContextOptionsBuilder<SqliteComplianceDbContext>().UseSqlite($"Data Source={Path.Combine(_data, "chatcompliance.db")}").Options);

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary><c>audit verify</c> on PostgreSQL, when the application is configured with it.</summary>
public sealed class PostgresAuditCommandLineTests : IAsyncLifetime
{
    private readonly PostgresTestStore _store = new();

    private Dictionary<string, string> Env => new() { ["ConnectionStrings__Postgres"] = _store.ConnectionString };

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        await AuditSample.SeedAsync(db, new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero)));
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Audit_verify_checks_the_PostgreSQL_store_and_names_a_deleted_entry()
    {
        var intact = await BotProcess.RunAsync(["audit", "verify"], Env);
        Assert.True(intact.Exit == 0, intact.Stderr + intact.Stdout);
        Assert.StartsWith($"chain intact: {AuditSample.TrailEntries} entries, head ", intact.Stdout, StringComparison.Ordinal);

        await using (var db = _store.NewContext())
        {
            await db.Database.ExecuteSqlAsync($"""DELETE FROM "AuditTrail" WHERE "Sequence" = 4""");
        }

        var broken = await BotProcess.RunAsync(["audit", "verify"], Env);
        Assert.Equal(1, broken.Exit);
        Assert.Equal("error: entry 4 was deleted: the chain goes from entry 3 to entry 5", broken.Stderr.Trim());
    }
}
