using CsvHelper;

namespace ChatCompliance.Core.Controls;

/// <summary>
/// The control register as CSV (RFC 4180, UTF-8, a header naming all seven columns in any order): one control a row,
/// references separated by <c>;</c>. Import and export use the same columns, so an export imports back unchanged.
/// </summary>
public static class ControlCsv
{
    /// <summary>The company's own id for the control (<c>AC-02</c>); imports upsert by it, ignoring case.</summary>
    public const string ControlId = "control_id";
    public const string Title = "title";
    /// <summary>SOC 2 criterion ids, <c>;</c>-separated (<c>CC6.2;CC6.3</c>).</summary>
    public const string Soc2Refs = "soc2_refs";
    /// <summary>ISO/IEC 27001:2022 clause and Annex A ids, <c>;</c>-separated (<c>A.5.18;9.2</c>).</summary>
    public const string Iso27001Refs = "iso27001_refs";
    /// <summary>The owner's email; empty for a control nobody owns yet.</summary>
    public const string OwnerEmail = "owner_email";
    public const string EvidenceDescription = "evidence_description";
    /// <summary><c>on-demand</c>, <c>monthly</c>, <c>quarterly</c> or <c>annual</c>.</summary>
    public const string Frequency = "frequency";

    public const char RefSeparator = ';';

    /// <summary>The columns, in the order an export writes them.</summary>
    public static IReadOnlyList<string> Columns { get; } = [ControlId, Title, Soc2Refs, Iso27001Refs, OwnerEmail, EvidenceDescription, Frequency];

    /// <summary>The characters that make a spreadsheet run a cell as a formula; exports put <c>'</c> in front, imports take it off.</summary>
    public const string FormulaCharacters = "=+-@\t\r";

    /// <summary>Undoes the export's formula escape (<c>'=x</c> back to <c>=x</c>) so an export round-trips.</summary>
    public static string Unescape(string value) =>
        value.Length >= 2 && value[0] == '\'' && FormulaCharacters.Contains(value[1], StringComparison.Ordinal) ? value[1..] : value;
}

/// <summary>What every CSV import shares: reading the header against the columns it knows.</summary>
public static class CsvImportHeader
{
    /// <summary>
    /// The index of each known column (names trimmed, any case, a byte-order mark ignored); unknown, repeated and
    /// missing required columns are errors on line 1, and then the result is null.
    /// </summary>
    public static Dictionary<string, int>? Read(IReadOnlyList<string> headers, IReadOnlyList<string> known, IReadOnlyList<string> required, List<ControlImportError> errors)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var before = errors.Count;
        for (var i = 0; i < headers.Count; i++)
        {
            var name = headers[i].Trim().TrimStart('\uFEFF').ToLowerInvariant();
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                errors.Add(new(1, headers[i], $"unknown column; the columns are {string.Join(",", known)}"));
            }
            else if (!columns.TryAdd(name, i))
            {
                errors.Add(new(1, name, "the column appears twice"));
            }
        }

        foreach (var missing in required.Where(c => !columns.ContainsKey(c)))
        {
            errors.Add(new(1, missing, headers.Count == 0 ? "the file is empty: the first line must be the header" : "missing column"));
        }

        return errors.Count > before ? null : columns;
    }
}

/// <summary>One data row of a CSV import: its line, and its fields by column name.</summary>
public sealed class CsvImportRow(CsvReader csv, IReadOnlyDictionary<string, int> columns)
{
    public int Line => (int)csv.LineNumber;

    /// <summary>Whether the file has the column at all (an optional column left out of the header).</summary>
    public bool Has(string column) => columns.ContainsKey(column);

    /// <summary>The field, trimmed and with an export's formula escape undone; null when empty or the column is absent.</summary>
    public string? Field(string column) =>
        columns.TryGetValue(column, out var index) && ControlCsv.Unescape(csv.GetString(index).Trim()) is { Length: > 0 } value ? value : null;
}

/// <summary>What every CSV import shares: UTF-8 with a header, one record at most so large, each row as wide as the header.</summary>
public static class CsvImportReader
{
    /// <summary>
    /// Reads the header (errors on line 1 when it is wrong, then nothing else), then hands each well-formed row to
    /// <paramref name="onRow"/> until it answers false; a row of the wrong width, or malformed quoting (which ends the
    /// reading: the rest cannot be trusted), is an error. Returns how many data rows were read.
    /// </summary>
    public static async Task<int> ReadAsync(Stream input, IReadOnlyList<string> known, IReadOnlyList<string> required, int maxRecordBytes,
        List<ControlImportError> errors, Func<CsvImportRow, bool> onRow, CancellationToken cancellationToken = default)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            MaxRecordSize = maxRecordBytes,
        };
        if (FirstBadByteLine(input) is { } badLine)
        {
            // A decoder would quietly turn such bytes into U+FFFD and store them: the file is refused instead.
            errors.Add(new(badLine, null, "is not UTF-8 text: a byte sequence there is no character (half a character?). Save the file as UTF-8"));
            return 0;
        }

        await using var csv = CsvReader.Create(input, options, leaveOpen: true);
        var count = 0;
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
            var columns = CsvImportHeader.Read(csv.Headers, known, required, errors);
            if (columns is null)
            {
                return 0;
            }

            var row = new CsvImportRow(csv, columns);
            while (await csv.ReadAsync(cancellationToken))
            {
                count++;
                if (csv.FieldCount != columns.Count)
                {
                    errors.Add(new(row.Line, null, $"has {csv.FieldCount} fields; the header has {columns.Count}"));
                    continue;
                }

                var unstorable = columns.Keys.Select(c => (Column: c, Problem: Domain.TextRule.StorageProblem(row.Field(c), c))).Where(p => p.Problem is not null).ToList();
                if (unstorable.Count > 0)
                {
                    errors.AddRange(unstorable.Select(p => new ControlImportError(row.Line, p.Column, p.Problem!)));
                    continue;
                }

                if (!onRow(row))
                {
                    break;
                }
            }
        }
        catch (CsvFormatException e)
        {
            errors.Add(new(Math.Max(1, (int)e.LineNumber), null, $"not valid CSV: {e.Message}"));
        }

        return count;
    }

    /// <summary>The line of the first byte sequence that is not UTF-8 in a seekable input (read, then rewound); null when all is UTF-8.</summary>
    private static int? FirstBadByteLine(Stream input)
    {
        if (!input.CanSeek)
        {
            return null;
        }

        var start = input.Position;
        using var copy = new MemoryStream();
        input.CopyTo(copy);
        input.Position = start;
        var bytes = copy.GetBuffer().AsSpan(0, (int)copy.Length);
        try
        {
            _ = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return null;
        }
        catch (System.Text.DecoderFallbackException e)
        {
            var index = Math.Clamp(e.Index, 0, bytes.Length);
            return bytes[..index].Count((byte)'\n') + 1;
        }
    }
}
