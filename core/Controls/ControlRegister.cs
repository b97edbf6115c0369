using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Core.Storage;
using CsvHelper;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Controls;

/// <summary>Something wrong in an imported file: the line it starts on (the header is line 1), the column, and why.</summary>
public sealed record ControlImportError(int Line, string? Column, string Reason)
{
    public override string ToString() => Column is null ? $"line {Line}: {Reason}" : $"line {Line}, {Column}: {Reason}";
}

/// <summary>What an import did, or would do on a dry run; nothing is written unless every row is good.</summary>
/// <param name="DryRun">True when nothing was meant to be written.</param>
/// <param name="Imported">True when the rows were written.</param>
/// <param name="Rows">How many data rows the file has, the header aside.</param>
/// <param name="Created">Control ids that are (or would be) new.</param>
/// <param name="Updated">Control ids whose fields change.</param>
/// <param name="Unchanged">Control ids already exactly as in the file.</param>
/// <param name="PeopleCreated">Owner emails not yet known, added as people with the ControlOwner role.</param>
/// <param name="Errors">Every problem found, by line; empty when the file is good.</param>
public sealed record ControlImportReport(
    bool DryRun,
    bool Imported,
    int Rows,
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> PeopleCreated,
    IReadOnlyList<ControlImportError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// The control register: CSV import (validated row by row against the knowledge catalogs, all-or-nothing, upserting by
/// control id) and CSV export in the same columns. Imports never delete: a control missing from the file is left alone.
/// </summary>
public sealed class ControlRegister(ComplianceDbContext db, Catalog catalog, TimeProvider time, ChangeRecorder changes)
{
    /// <summary>The largest record the reader accepts, against an unclosed quote swallowing a whole upload.</summary>
    private const int MaxRecordBytes = 64 * 1024;

    private sealed record Row(int Line, string Code, string Title, List<string> Soc2, List<string> Iso, string? OwnerEmail, string? Evidence, EvidenceFrequency Frequency);

    /// <summary>
    /// Validates the whole file; when every row is good and this is not a dry run, writes it in one transaction with an
    /// audit-trail entry (before and after) for each control and person it creates or changes, in <paramref name="actor"/>'s name.
    /// </summary>
    public async Task<ControlImportReport> ImportAsync(Stream csv, bool dryRun, TaskActor actor, CancellationToken cancellationToken = default)
    {
        var (rows, count, errors) = await ParseAsync(csv, cancellationToken);
        var owners = await CheckOwnersAsync(rows, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return new ControlImportReport(dryRun, false, count, [], [], [], [], [.. errors.OrderBy(e => e.Line)]);
        }

        var existing = dryRun ? await db.Controls.AsNoTracking().ToListAsync(cancellationToken) : await db.Controls.ToListAsync(cancellationToken);
        var byCode = existing.ToDictionary(c => c.Code, StringComparer.OrdinalIgnoreCase);
        List<string> created = [], updated = [], unchanged = [];
        var audited = new List<Change>();
        var ownersBefore = owners.Values.ToDictionary(p => p.Id, ChangeSnapshots.Of);
        var now = time.GetUtcNow();
        var newPeople = rows.Select(r => r.OwnerEmail).OfType<string>().Distinct(StringComparer.Ordinal).Where(e => !owners.ContainsKey(e)).ToList();
        foreach (var email in newPeople)
        {
            owners[email] = new Person { Email = email, DisplayName = email[..email.IndexOf('@', StringComparison.Ordinal)], Roles = PersonRoles.Employee | PersonRoles.ControlOwner, CreatedAt = now };
        }

        foreach (var row in rows)
        {
            var owner = row.OwnerEmail is null ? null : owners[row.OwnerEmail];
            string? before = null;
            if (!byCode.TryGetValue(row.Code, out var control))
            {
                created.Add(row.Code);
                control = new Control { Code = row.Code, Title = row.Title, CreatedAt = now };
                if (!dryRun)
                {
                    db.Controls.Add(control);
                }
            }
            else if (Same(control, row, owner))
            {
                unchanged.Add(row.Code);
                continue;
            }
            else
            {
                updated.Add(row.Code);
                before = ChangeSnapshots.Of(control);
            }

            control.Code = row.Code;
            control.Title = row.Title;
            control.Soc2Refs = row.Soc2;
            control.Iso27001Refs = row.Iso;
            control.EvidenceDescription = row.Evidence;
            control.Frequency = row.Frequency;
            control.Owner = owner;
            control.OwnerId = owner?.Id;
            if (owner is not null && !dryRun)
            {
                owner.Roles |= PersonRoles.ControlOwner;
            }

            audited.Add(new Change(before is null ? "control.created" : "control.updated", AuditSubjects.Control, AuditSubjects.Id(control.Id),
                before, ChangeSnapshots.Of(control), $"control register import, line {row.Line}"));
        }

        if (!dryRun)
        {
            db.People.AddRange(newPeople.Select(e => owners[e]));
            var people = owners.Values.Select(p => (Person: p, Before: ownersBefore.GetValueOrDefault(p.Id)))
                .Where(p => p.Before is null || p.Before != ChangeSnapshots.Of(p.Person))
                .Select(p => new Change(p.Before is null ? "person.created" : "person.updated", AuditSubjects.Person, AuditSubjects.Id(p.Person.Id),
                    p.Before, ChangeSnapshots.Of(p.Person), "named as a control's owner in a control register import"));
            await changes.SaveAsync(actor, [.. people, .. audited], cancellationToken);
        }

        return new ControlImportReport(dryRun, !dryRun, count, created, updated, unchanged, newPeople, []);
    }

    /// <summary>Writes every control, ordered by control id, in the import's columns; returns how many.</summary>
    public async Task<int> ExportAsync(Stream output, CancellationToken cancellationToken = default)
    {
        var controls = await db.Controls.AsNoTracking().Include(c => c.Owner).ToListAsync(cancellationToken);
        await using var csv = CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        await csv.WriteRecordAsync([.. ControlCsv.Columns], cancellationToken);
        foreach (var control in controls.OrderBy(c => c.Code, StringComparer.Ordinal))
        {
            await csv.WriteRecordAsync(
            [
                control.Code,
                control.Title,
                string.Join(ControlCsv.RefSeparator, control.Soc2Refs),
                string.Join(ControlCsv.RefSeparator, control.Iso27001Refs),
                control.Owner?.Email ?? "",
                control.EvidenceDescription ?? "",
                ControlRules.FrequencyName(control.Frequency),
            ], cancellationToken);
        }

        await csv.FlushAsync(cancellationToken);
        return controls.Count;
    }

    /// <summary>The people the file names as owners, by email; an inactive one is an error on each row naming them.</summary>
    private async Task<Dictionary<string, Person>> CheckOwnersAsync(List<Row> rows, List<ControlImportError> errors, CancellationToken cancellationToken)
    {
        var emails = rows.Select(r => r.OwnerEmail).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var people = emails.Count == 0 ? [] : await db.People.Where(p => emails.Contains(p.Email)).ToListAsync(cancellationToken);
        var byEmail = people.ToDictionary(p => p.Email, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.OwnerEmail is not null && byEmail.TryGetValue(row.OwnerEmail, out var person) && !person.IsActive)
            {
                errors.Add(new(row.Line, ControlCsv.OwnerEmail, $"'{row.OwnerEmail}' is an inactive person; reactivate them or name another owner"));
            }
        }

        return byEmail;
    }

    private static bool Same(Control control, Row row, Person? owner) =>
        string.Equals(control.Code, row.Code, StringComparison.Ordinal)
        && string.Equals(control.Title, row.Title, StringComparison.Ordinal)
        && control.Soc2Refs.SequenceEqual(row.Soc2, StringComparer.Ordinal)
        && control.Iso27001Refs.SequenceEqual(row.Iso, StringComparer.Ordinal)
        && string.Equals(control.EvidenceDescription, row.Evidence, StringComparison.Ordinal)
        && control.Frequency == row.Frequency
        && control.OwnerId == owner?.Id
        && (owner is null || owner.Has(PersonRoles.ControlOwner));

    private async Task<(List<Row> Rows, int Count, List<ControlImportError> Errors)> ParseAsync(Stream input, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        var errors = new List<ControlImportError>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var count = await CsvImportReader.ReadAsync(input, ControlCsv.Columns, ControlCsv.Columns, MaxRecordBytes, errors, csvRow =>
        {
            var line = csvRow.Line;
            string Field(string column) => csvRow.Field(column) ?? "";

            // A row with other errors still claims its control id, so a later duplicate is reported too.
            var code = Field(ControlCsv.ControlId);
            if (code.Length > 0 && !firstLineOf.TryAdd(code, line))
            {
                errors.Add(new(line, ControlCsv.ControlId, $"duplicate control id '{code}' (first on line {firstLineOf[code]})"));
            }

            if (ParseRow(line, Field, errors) is { } row)
            {
                rows.Add(row);
            }

            return true;
        }, cancellationToken);
        return (rows, count, errors);
    }

    private Row? ParseRow(int line, Func<string, string> field, List<ControlImportError> errors)
    {
        var before = errors.Count;
        void Check(string column, string? reason)
        {
            if (reason is not null)
            {
                errors.Add(new(line, column, reason));
            }
        }

        var code = field(ControlCsv.ControlId);
        Check(ControlCsv.ControlId, ControlRules.CheckCode(code));
        var title = field(ControlCsv.Title);
        Check(ControlCsv.Title, ControlRules.CheckTitle(title));
        var (soc2, soc2Errors) = ControlRules.CheckSoc2Refs(ControlRules.SplitRefs(field(ControlCsv.Soc2Refs)), catalog);
        soc2Errors.ForEach(e => Check(ControlCsv.Soc2Refs, e));
        var (iso, isoErrors) = ControlRules.CheckIso27001Refs(ControlRules.SplitRefs(field(ControlCsv.Iso27001Refs)), catalog);
        isoErrors.ForEach(e => Check(ControlCsv.Iso27001Refs, e));
        var owner = field(ControlCsv.OwnerEmail);
        Check(ControlCsv.OwnerEmail, ControlRules.CheckOwnerEmail(owner));
        var evidence = field(ControlCsv.EvidenceDescription);
        Check(ControlCsv.EvidenceDescription, ControlRules.CheckEvidenceDescription(evidence));
        var frequencyText = field(ControlCsv.Frequency);
        Check(ControlCsv.Frequency, ControlRules.CheckFrequency(frequencyText));
        if (errors.Count > before || !ControlRules.TryParseFrequency(frequencyText, out var frequency))
        {
            return null;
        }

        return new Row(line, code, title, soc2, iso, owner.Length == 0 ? null : Person.NormaliseEmail(owner), evidence.Length == 0 ? null : evidence, frequency);
    }
}
