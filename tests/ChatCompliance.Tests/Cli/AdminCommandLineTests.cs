using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Controls;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Cli;

/// <summary>The verbs <c>controls import|export</c> and <c>apikey create|list|revoke</c> of the real program.</summary>
public sealed class AdminCommandLineTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-cli-admin-").FullName;

    private Dictionary<string, string> Env => new() { ["Storage__DataDirectory"] = _data };

    [Fact]
    public async Task Controls_import_dry_run_lists_every_bad_row_and_exits_1_without_importing()
    {
        var file = Path.Combine(_data, "bad.csv");
        await File.WriteAllTextAsync(file, "control_id,title,soc2_refs,iso27001_refs,owner_email,evidence_description,frequency\nAC-01,,CC9.9,,,,annual\nAC-02,Fine,,,,,sometimes\n");

        var result = await BotProcess.RunAsync(["controls", "import", file, "--dry-run"], Env);

        Assert.Equal(1, result.Exit);
        Assert.Contains("line 2, title: title is required", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 2, soc2_refs: unknown SOC 2 criterion 'CC9.9'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 3, frequency: 'sometimes' is not a frequency", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", result.Stderr, StringComparison.Ordinal);
        await using var db = OpenStore();
        Assert.Empty(await db.Controls.ToListAsync());
    }

    [Fact]
    public async Task Controls_import_then_export_gives_the_file_back()
    {
        var file = Path.Combine(_data, "register.csv");
        var exported = Path.Combine(_data, "export.csv");
        await File.WriteAllTextAsync(file, ControlRegisterTests.GoodFile);

        var import = await BotProcess.RunAsync(["controls", "import", file], Env);
        var export = await BotProcess.RunAsync(["controls", "export", "--out", exported], Env);

        Assert.True(import.Exit == 0, import.Stderr);
        Assert.Contains("4 new", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("new people: alice@example.com, bob@example.com", import.Stdout, StringComparison.Ordinal);
        Assert.True(export.Exit == 0, export.Stderr);
        Assert.Equal(ControlRegisterTests.GoodFile, await File.ReadAllTextAsync(exported));
        await using var db = OpenStore();
        var actions = await db.AuditTrail.AsNoTracking().Where(e => e.Platform == ChatCompliance.Core.Domain.Platform.Cli).Select(e => e.Action).ToListAsync();
        Assert.Equal(4, actions.Count(a => a == "control.created"));
        Assert.Equal(2, actions.Count(a => a == "person.created"));
    }

    [Fact]
    public async Task Apikey_create_prints_the_key_once_list_shows_it_without_the_secret_and_revoke_ends_it()
    {
        var create = await BotProcess.RunAsync(["apikey", "create", "--name", "ci", "--role", "lead"], Env);
        Assert.True(create.Exit == 0, create.Stderr);
        var token = create.Stdout.Split('\n').Single(l => l.StartsWith("cck_", StringComparison.Ordinal)).Trim();
        var id = token[4..36];

        var list = await BotProcess.RunAsync(["apikey", "list"], Env);
        Assert.Contains(id, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("ci", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token[37..], list.Stdout, StringComparison.Ordinal);

        var revoke = await BotProcess.RunAsync(["apikey", "revoke", id], Env);
        Assert.True(revoke.Exit == 0, revoke.Stderr);
        await using var db = OpenStore();
        var (check, _) = await new ApiKeyService(db, TimeProvider.System, new ChatCompliance.Core.Audit.ChangeRecorder(db, new ChatCompliance.Core.Audit.AuditTrail(TimeProvider.System, TestAuditKeys.Ring))).AuthenticateAsync(token);
        Assert.Equal(ApiKeyCheck.Revoked, check);
        var entries = await db.AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(["apikey.created", "apikey.revoked"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((ChatCompliance.Core.Domain.Platform.Cli, $"cli:{Environment.UserName}", Guid.ParseExact(id, "N").ToString("D")),
            (e.Platform, e.Actor, e.SubjectId)));
        Assert.All(entries, e => Assert.DoesNotContain(token[37..], e.After!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Apikey_create_without_a_name_or_with_an_unknown_role_exits_2_with_one_line()
    {
        var noName = await BotProcess.RunAsync(["apikey", "create", "--role", "lead"], Env);
        var badRole = await BotProcess.RunAsync(["apikey", "create", "--name", "x", "--role", "root"], Env);

        Assert.Equal((2, "error: --name is required (1 to 100 characters)"), (noName.Exit, noName.Stderr.Trim()));
        Assert.Equal((2, "error: --role must be lead or admin"), (badRole.Exit, badRole.Stderr.Trim()));
    }

    private SqliteComplianceDbContext OpenStore() =>
        new(new DbContextOptionsBuilder<SqliteComplianceDbContext>().UseSqlite($"Data Source={Path.Combine(_data, "chatcompliance.db")}").Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
