using System.Diagnostics;
using ChatCompliance.Tests.Controls;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ChatCompliance.Tests.Cli;

/// <summary>The program behaves like a command-line tool: the caller's directory, the server's switches, help, exit codes.</summary>
public sealed class CommandLineConventionTests : IDisposable
{
    private readonly string _cwd = Directory.CreateTempSubdirectory("cc-cwd-").FullName;

    public static TheoryData<string> Verbs() =>
    [
        "ask", "kb check", "manifests pack", "controls import", "controls export", "apikey create", "apikey list", "apikey revoke",
        "audit verify", "audit anchor", "audit export", "jobs run",
    ];

    [Fact]
    public async Task Relative_paths_and_the_data_directory_switch_resolve_against_the_callers_directory()
    {
        await File.WriteAllTextAsync(Path.Combine(_cwd, "controls.csv"), ControlRegisterTests.GoodFile);

        var import = await BotProcess.RunAsync(["controls", "import", "./controls.csv", "--Storage:DataDirectory", "store"], workingDirectory: _cwd);
        var export = await BotProcess.RunAsync(["--Storage:DataDirectory=store", "controls", "export", "--out", "out/register.csv"], workingDirectory: _cwd);

        Assert.True(import.Exit == 0, import.Stderr);
        Assert.StartsWith("./controls.csv: 4 row(s): 4 new", import.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_cwd, "store", "chatcompliance.db")), "the store belongs under the caller's directory");
        Assert.True(export.Exit == 1 && export.Stderr.StartsWith("fail: ", StringComparison.Ordinal), export.Stderr); // out/ does not exist yet: a failure, not a crash
        Directory.CreateDirectory(Path.Combine(_cwd, "out"));
        export = await BotProcess.RunAsync(["--Storage:DataDirectory=store", "controls", "export", "--out", "out/register.csv"], workingDirectory: _cwd);
        Assert.True(export.Exit == 0, export.Stderr);
        Assert.Equal(ControlRegisterTests.GoodFile, await File.ReadAllTextAsync(Path.Combine(_cwd, "out", "register.csv")));
    }

    [Fact]
    public async Task Every_verb_takes_the_servers_switches_and_ignores_urls()
    {
        var result = await BotProcess.RunAsync(
            ["apikey", "list", "--Storage:DataDirectory", "./keys-store", "--urls", "http://127.0.0.1:1", "--environment", "Production", "--Logging:LogLevel:Default=Trace"],
            workingDirectory: _cwd);

        Assert.True(result.Exit == 0, result.Stderr);
        Assert.StartsWith("id ", result.Stdout, StringComparison.Ordinal); // the verb's table and nothing else: no log lines on stdout
        Assert.True(File.Exists(Path.Combine(_cwd, "keys-store", "chatcompliance.db")));
    }

    [Fact]
    public async Task A_missing_file_fails_with_exit_1_naming_it_and_creates_no_store()
    {
        var result = await BotProcess.RunAsync(["controls", "import", "nope.csv", "--Storage:DataDirectory", "store"], workingDirectory: _cwd);

        Assert.Equal(1, result.Exit);
        Assert.Contains(Path.Combine(_cwd, "nope.csv"), result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.False(Directory.Exists(Path.Combine(_cwd, "store")));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Every_verb_has_help(string verb)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var result = await BotProcess.RunAsync([.. verb.Split(' '), flag], workingDirectory: _cwd);

            Assert.True(result.Exit == 0, $"{verb} {flag}: {result.Exit}\n{result.Stderr}");
            Assert.Contains($"ChatCompliance.Bot {verb}", result.Stdout, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(_cwd)); // help touches nothing
    }

    [Fact]
    public async Task Help_lists_the_verbs_and_exit_codes()
    {
        var result = await BotProcess.RunAsync(["help"], workingDirectory: _cwd);

        Assert.Equal(0, result.Exit);
        foreach (var verb in new[] { "ask", "kb", "manifests", "controls", "apikey", "audit" })
        {
            Assert.Contains($"  {verb}", result.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("0 done, 1 failed, 2 usage", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("controls import")]
    [InlineData("controls import a.csv --bogus")]
    [InlineData("audit export --from")]
    public async Task Unknown_verbs_and_bad_arguments_are_usage_errors_on_stderr_with_exit_2(string command)
    {
        var result = await BotProcess.RunAsync(command.Split(' '), workingDirectory: _cwd);

        Assert.Equal(2, result.Exit);
        Assert.Empty(result.Stdout);
        Assert.Contains("error: ", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--help`", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_cwd));
    }

    [Fact]
    public async Task Under_dotnet_run_a_verb_sees_the_callers_directory_and_prints_only_its_output()
    {
        await File.WriteAllTextAsync(Path.Combine(_cwd, "controls.csv"), ControlRegisterTests.GoodFile);
        var project = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(BotProcess.Assembly())!, "..", "..", "..", "ChatCompliance.Bot.csproj"));
        var configuration = new DirectoryInfo(Path.GetDirectoryName(BotProcess.Assembly())!).Parent!.Name;
        var start = new ProcessStartInfo("dotnet", ["run", "--no-build", "-c", configuration, "--project", project, "--", "controls", "import", "./controls.csv", "--dry-run",
            "--Storage:DataDirectory", "store"])
        {
            WorkingDirectory = _cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in TestAuditKeys.Environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal("./controls.csv: 4 row(s): 4 new, 0 changed, 0 unchanged; new people: alice@example.com, bob@example.com (dry run: nothing was imported)",
            (await stdout).Trim());
    }

    [Fact]
    public async Task Jobs_run_runs_a_job_now_audited_as_the_operating_system_user_and_refuses_what_it_cannot_run()
    {
        var chase = await BotProcess.RunAsync(["jobs", "run", "chase", "--Storage:DataDirectory", "store"], workingDirectory: _cwd);
        var unknown = await BotProcess.RunAsync(["jobs", "run", "tidy-up", "--Storage:DataDirectory", "store"], workingDirectory: _cwd);
        var noAudit = await BotProcess.RunAsync(["jobs", "run", "announce", "--audit", "No such audit", "--Storage:DataDirectory", "store"], workingDirectory: _cwd);

        Assert.True(chase.Exit == 0, chase.Stderr);
        Assert.StartsWith("Chase: nothing was due", chase.Stdout, StringComparison.Ordinal); // plain text, no chat Markdown
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("chase, announce, digest, generate", unknown.Stderr, StringComparison.Ordinal);
        Assert.Empty(unknown.Stdout);
        Assert.Equal(1, noAudit.Exit);
        Assert.Contains("No audit on the calendar is called 'No such audit'", noAudit.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("**", noAudit.Stderr, StringComparison.Ordinal);

        await using var db = new SqliteConnection($"Data Source={Path.Combine(_cwd, "store", "chatcompliance.db")}");
        await db.OpenAsync();
        await using var query = db.CreateCommand();
        query.CommandText = "SELECT Actor || '|' || Action || '|' || SubjectId FROM AuditTrail WHERE Action = 'job.run'";
        var runs = new List<string>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                runs.Add(reader.GetString(0));
            }
        }

        Assert.Equal([$"cli:{Environment.UserName}|job.run|chase"], runs); // only the run that ran
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_cwd, recursive: true);
    }
}
