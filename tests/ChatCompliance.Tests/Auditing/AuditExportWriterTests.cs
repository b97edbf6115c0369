using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using CsvHelper;

namespace ChatCompliance.Tests.Auditing;

/// <summary>The two file formats of the export, from a hand-made export with awkward values.</summary>
public sealed class AuditExportWriterTests
{
    private static readonly Guid TaskId = Guid.Parse("0f8e3d1c-5b6a-4c2d-9e1f-2a3b4c5d6e7f");
    private static readonly string Head = new('c', 64);

    private static readonly AuditExport Export = new(
        new DateTimeOffset(2027, 1, 5, 10, 0, 0, TimeSpan.Zero),
        new DateOnly(2026, 1, 1),
        new DateOnly(2026, 12, 31),
        "SOC 2 CC6.2",
        new AuditChainReport(12, 12, Head, null),
        [
            new ExportedEvidenceTask(TaskId, "AC-01", "Access review", ["CC6.2", "CC6.3"], ["A.5.18"], "Q1 access review",
                "olivia@example.com", "Olivia Owner", null, new DateOnly(2026, 3, 31), null, null, EvidenceTaskStatus.Rejected,
                "https://evidence.example.com/1", "rows 1-40, \"final\"\nsecond line", new DateTimeOffset(2026, 3, 20, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 21, 8, 0, 0, TimeSpan.Zero).AddTicks(1234560), "lee@example.com", "=HYPERLINK(\"http://evil\")",
                new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 21, 8, 0, 0, TimeSpan.Zero)),
        ],
        [
            new ExportedTrailEntry(7, new DateTimeOffset(2026, 3, 21, 8, 0, 0, TimeSpan.Zero), Platform.Slack, "lee@example.com", null,
                "task.rejected", AuditSubjects.EvidenceTask, AuditSubjects.Id(TaskId), """{"status":"Submitted"}""", """{"status":"Rejected"}""",
                "=HYPERLINK(\"http://evil\")", new string('a', 64), new string('b', 64)),
        ]);

    [Fact]
    public async Task Csv_has_the_period_and_chain_then_a_table_of_tasks_and_one_of_entries()
    {
        await using var text = new StringWriter();
        await AuditExportWriter.WriteCsvAsync(Export, text);
        var csv = text.ToString();

        var comments = csv.Split("\r\n").Where(l => l.StartsWith('#')).ToList();
        Assert.Contains("# period: 2026-01-01 to 2026-12-31", comments);
        Assert.Contains("# scope: SOC 2 CC6.2", comments);
        Assert.Contains($"# chain: chain intact: 12 entries, head {Head}", comments);
        Assert.Contains($"# chain head: entry 12, hash {Head}", comments);

        var records = Read(csv);
        Assert.Equal(4, records.Count);
        var (taskHeader, task) = (records[0], records[1]);
        Assert.Equal("Control", taskHeader[0]);
        string Task(string column) => task[Array.IndexOf(taskHeader, column)];
        Assert.Equal("AC-01", Task("Control"));
        Assert.Equal("CC6.2; CC6.3", Task("SOC 2"));
        Assert.Equal(AuditSubjects.Id(TaskId), Task("Task id"));
        Assert.Equal("2026-03-31", Task("Due date"));
        Assert.Equal("", Task("Period start"));
        Assert.Equal("Rejected", Task("Status"));
        Assert.Equal("rows 1-40, \"final\"\nsecond line", Task("Evidence note"));
        Assert.Equal("2026-03-21T08:00:00.123456Z", Task("Decided at"));
        Assert.Equal("'=HYPERLINK(\"http://evil\")", Task("Reason"));

        var (entryHeader, entry) = (records[2], records[3]);
        Assert.Equal(["Entry", "Occurred at", "Platform", "Actor", "Actor person id", "Action", "Subject type", "Subject id", "Before", "After", "Reason", "Previous hash", "Hash"], entryHeader);
        Assert.Equal(["7", "2026-03-21T08:00:00.000000Z", "Slack", "lee@example.com", "", "task.rejected", "EvidenceTask", AuditSubjects.Id(TaskId),
            """{"status":"Submitted"}""", """{"status":"Rejected"}""", "'=HYPERLINK(\"http://evil\")", new string('a', 64), new string('b', 64)], entry);
    }

    [Fact]
    public async Task Json_is_one_document_with_the_chain_tasks_and_entries()
    {
        await using var stream = new MemoryStream();
        await AuditExportWriter.WriteJsonAsync(Export, stream);

        using var json = JsonDocument.Parse(stream.ToArray());
        var root = json.RootElement;
        Assert.Equal("2026-01-01", root.GetProperty("from").GetString());
        Assert.Equal("2026-12-31", root.GetProperty("to").GetString());
        Assert.Equal("SOC 2 CC6.2", root.GetProperty("scope").GetString());
        var chain = root.GetProperty("chain");
        Assert.True(chain.GetProperty("intact").GetBoolean());
        Assert.Equal(Head, chain.GetProperty("headHash").GetString());
        Assert.Equal(12, chain.GetProperty("headSequence").GetInt64());
        var task = Assert.Single(root.GetProperty("tasks").EnumerateArray());
        Assert.Equal(TaskId, task.GetProperty("taskId").GetGuid());
        Assert.Equal("Rejected", task.GetProperty("status").GetString());
        Assert.Equal(["CC6.2", "CC6.3"], task.GetProperty("soc2Refs").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("=HYPERLINK(\"http://evil\")", task.GetProperty("decisionReason").GetString());
        var entry = Assert.Single(root.GetProperty("trailEntries").EnumerateArray());
        Assert.Equal(7, entry.GetProperty("sequence").GetInt64());
        Assert.Equal("Slack", entry.GetProperty("platform").GetString());
        Assert.Equal("""{"status":"Rejected"}""", entry.GetProperty("after").GetString());
        Assert.Equal(new string('b', 64), entry.GetProperty("hash").GetString());
    }

    /// <summary>Every record of the file, comments and empty lines left out.</summary>
    internal static List<string[]> Read(string csv)
    {
        using var reader = CsvReader.FromText(csv, new CsvReaderOptions
        {
            HasHeader = false,
            CommentPrefix = '#',
            AllowLineBreaksInQuotes = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
        });
        var records = new List<string[]>();
        while (reader.Read())
        {
            records.Add([.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? "")]);
        }

        return records;
    }
}
