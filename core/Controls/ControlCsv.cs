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
