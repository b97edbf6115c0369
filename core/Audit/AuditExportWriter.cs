using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatCompliance.Core.Domain;
using CsvHelper;

namespace ChatCompliance.Core.Audit;

/// <summary>Writes an <see cref="AuditExport"/> as JSON or as CSV.</summary>
public static class AuditExportWriter
{
    private static readonly (string Header, Func<ExportedEvidenceTask, string?> Value)[] TaskColumns =
    [
        ("Control", t => t.ControlCode),
        ("Control title", t => t.ControlTitle),
        ("SOC 2", t => string.Join("; ", t.Soc2Refs)),
        ("ISO 27001", t => string.Join("; ", t.Iso27001Refs)),
        ("Task", t => t.Task),
        ("Task id", t => AuditSubjects.Id(t.TaskId)),
        ("Owner", t => t.Owner),
        ("Owner name", t => t.OwnerName),
        ("Delegate", t => t.Delegate),
        ("Due date", t => Day(t.DueDate)),
        ("Period start", t => Day(t.PeriodStart)),
        ("Period end", t => Day(t.PeriodEnd)),
        ("Status", t => t.Status.ToString()),
        ("Evidence URL", t => t.EvidenceUrl),
        ("Evidence note", t => t.EvidenceNote),
        ("Submitted at", t => Time(t.SubmittedAt)),
        ("Decided at", t => Time(t.DecidedAt)),
        ("Decided by", t => t.DecidedBy),
        ("Reason", t => t.DecisionReason),
        ("Created at", t => Time(t.CreatedAt)),
        ("Updated at", t => Time(t.UpdatedAt)),
    ];

    private static readonly (string Header, Func<ExportedTrailEntry, string?> Value)[] EntryColumns =
    [
        ("Entry", e => e.Sequence.ToString(CultureInfo.InvariantCulture)),
        ("Occurred at", e => Time(e.OccurredAt)),
        ("Platform", e => e.Platform.ToString()),
        ("Actor", e => e.Actor),
        ("Actor person id", e => e.ActorPersonId is { } id ? AuditSubjects.Id(id) : null),
        ("Action", e => e.Action),
        ("Subject type", e => e.SubjectType),
        ("Subject id", e => e.SubjectId),
        ("Before", e => e.Before),
        ("After", e => e.After),
        ("Reason", e => e.Reason),
        ("Previous hash", e => e.PreviousHash),
        ("Hash", e => e.Hash),
    ];

    /// <summary>The export as one indented JSON document (camelCase, enums as names).</summary>
    public static async Task WriteJsonAsync(AuditExport export, Stream output, CancellationToken cancellationToken = default)
    {
        await JsonSerializer.SerializeAsync(output, export, AuditExportJson.Default.AuditExport, cancellationToken);
        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }

    /// <summary>
    /// The export as CSV: <c>#</c> comment lines with the period, scope and chain, then the evidence tasks and then the
    /// audit-trail entries, each table with its own header row and the two apart by an empty line. A value that a
    /// spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>) is prefixed with <c>'</c>.
    /// </summary>
    public static async Task WriteCsvAsync(AuditExport export, TextWriter output, CancellationToken cancellationToken = default)
    {
        // Two tables of different widths in one file: the field count is per table, not per file.
        var options = new CsvWriterOptions { CommentPrefix = '#', Injection = CsvInjection.Escape, ValidateFieldCount = false };
        await using (var csv = CsvWriter.Create(output, options, leaveOpen: true))
        {
            csv.WriteComment(" ChatCompliance audit export");
            csv.WriteComment($" period: {Day(export.From)} to {Day(export.To)}");
            csv.WriteComment($" scope: {export.Scope}");
            csv.WriteComment($" generated at: {Time(export.GeneratedAt)}");
            csv.WriteComment($" chain: {export.Chain.Summary}");
            csv.WriteComment($" chain head: entry {export.Chain.HeadSequence}, hash {export.Chain.HeadHash}");
            csv.WriteComment($" evidence tasks: {export.Tasks.Count}; audit-trail entries about them: {export.TrailEntries.Count}");
            await WriteTableAsync(csv, output, "evidence tasks", TaskColumns, export.Tasks, cancellationToken);
            await WriteTableAsync(csv, output, "audit-trail entries about these tasks", EntryColumns, export.TrailEntries, cancellationToken);
        }

        await output.FlushAsync(cancellationToken);
    }

    private static async Task WriteTableAsync<T>(CsvWriter csv, TextWriter output, string title,
        (string Header, Func<T, string?> Value)[] columns, IEnumerable<T> rows, CancellationToken cancellationToken)
    {
        // An empty line before each table, for whoever reads the file in an editor.
        await csv.FlushAsync(cancellationToken);
        await output.WriteAsync("\r\n".AsMemory(), cancellationToken);
        csv.WriteComment(" " + title);
        foreach (var (header, _) in columns)
        {
            csv.WriteField(header);
        }

        await csv.EndRecordAsync(cancellationToken);
        foreach (var row in rows)
        {
            foreach (var (_, value) in columns)
            {
                csv.WriteField(value(row));
            }

            await csv.EndRecordAsync(cancellationToken);
        }
    }

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Time(DateTimeOffset? time) => time is { } t ? AuditTrail.FormatTime(t) : null;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditExport))]
internal sealed partial class AuditExportJson : JsonSerializerContext;
