using System.Text.Json;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Cli;

/// <summary>The verbs of the real program: <c>kb check</c>, <c>ask</c>, <c>ask --batch</c>.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-cli-").FullName;

    private Dictionary<string, string> Env => new() { ["Storage__DataDirectory"] = _data };

    [Fact]
    public async Task Kb_check_passes_on_the_repository_knowledge_base()
    {
        var result = await BotProcess.RunAsync(["kb", "check"]);

        Assert.True(result.Exit == 0, result.Stderr + result.Stdout);
        Assert.Contains("0 problem(s)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kb_check_fails_on_a_broken_knowledge_base_and_names_the_file()
    {
        var broken = Path.Combine(_data, "knowledge");
        var real = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(BotProcess.Assembly())!, "knowledge"));
        Directory.CreateDirectory(Path.Combine(broken, "entries"));
        Directory.CreateDirectory(Path.Combine(broken, "catalogs"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(real, "catalogs")))
        {
            File.Copy(file, Path.Combine(broken, "catalogs", Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(broken, "entries", "bad.md"), "---\nid: bad\ntitle: Bad\n---\nno questions, references or sources\n");

        var result = await BotProcess.RunAsync(["kb", "check", broken]);

        Assert.Equal(1, result.Exit);
        Assert.Contains("entries/bad.md: needs at least 4 questions", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_prints_the_answer_with_citations_and_records_the_question()
    {
        var result = await BotProcess.RunAsync(["ask", "how long is an iso 27001 certificate valid?"], Env);

        Assert.True(result.Exit == 0, result.Stderr);
        Assert.Contains("three years", result.Stdout, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("References: ISO27001:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Source: ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Confidence: ", result.Stdout, StringComparison.Ordinal);

        await using var db = OpenStore();
        var question = Assert.Single(await db.Questions.ToListAsync());
        Assert.Equal("how long is an iso 27001 certificate valid?", question.Text);
        Assert.Equal(QuestionStatus.Answered, question.Status);
        Assert.Equal(Platform.Cli, question.AskedOn);
        Assert.NotNull(question.EntryId);
    }

    [Fact]
    public async Task Ask_records_an_abstention_as_such()
    {
        var result = await BotProcess.RunAsync(["ask", "when is payday"], Env);

        Assert.Equal(0, result.Exit);
        Assert.Contains("(abstained)", result.Stdout, StringComparison.Ordinal);
        await using var db = OpenStore();
        Assert.Equal(QuestionStatus.Abstained, Assert.Single(await db.Questions.ToListAsync()).Status);
    }

    [Fact]
    public async Task Ask_batch_reads_json_lines_and_writes_one_answer_line_each()
    {
        var input = """
            {"id":1,"question":"is soc2 a certification?"}
            {"id":"two","question":"which iso controls map to cc6.1"}
            not json
            {"id":3,"question":"when is payday"}

            """;

        var result = await BotProcess.RunAsync(["ask", "--batch", "--no-record"], Env, input);

        Assert.True(result.Exit == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(1, lines[0].GetProperty("id").GetInt32());
        Assert.Equal("soc2-is-not-a-certification", lines[0].GetProperty("entry").GetString());
        Assert.False(lines[0].GetProperty("abstained").GetBoolean());
        Assert.True(lines[0].GetProperty("confidence").GetDouble() > 0.5);
        Assert.NotEmpty(lines[0].GetProperty("sources").EnumerateArray());
        Assert.Equal("two", lines[1].GetProperty("id").GetString());
        Assert.Contains("SOC2:CC6.1", lines[1].GetProperty("refs").EnumerateArray().Select(r => r.GetString()));
        Assert.True(lines[2].TryGetProperty("error", out _));
        Assert.True(lines[3].GetProperty("abstained").GetBoolean());
        Assert.False(File.Exists(Path.Combine(_data, "chatcompliance.db")), "--no-record must not touch the store");
    }

    private SqliteComplianceDbContext OpenStore() =>
        new(new DbContextOptionsBuilder<SqliteComplianceDbContext>().UseSqlite($"Data Source={Path.Combine(_data, "chatcompliance.db")}").Options);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
