using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Core.Controls;

/// <summary>What makes a control valid, shared by the CSV import and the admin API so both say the same thing.</summary>
public static class ControlRules
{
    public const int MaxCodeLength = 64;
    public const int MaxTitleLength = 300;
    public const int MaxEvidenceDescriptionLength = 4000;

    /// <summary>The frequencies as they are written in CSV files and JSON, in order.</summary>
    public static IReadOnlyList<string> FrequencyNames { get; } = ["on-demand", "monthly", "quarterly", "annual"];

    public static string FrequencyName(EvidenceFrequency frequency) => frequency switch
    {
        EvidenceFrequency.OnDemand => "on-demand",
        EvidenceFrequency.Monthly => "monthly",
        EvidenceFrequency.Quarterly => "quarterly",
        EvidenceFrequency.Annual => "annual",
        _ => throw new ArgumentOutOfRangeException(nameof(frequency), frequency, null),
    };

    /// <summary>Reads <c>on-demand</c>, <c>monthly</c>, <c>quarterly</c> or <c>annual</c> (any case).</summary>
    public static bool TryParseFrequency(string? text, out EvidenceFrequency frequency)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "on-demand":
                frequency = EvidenceFrequency.OnDemand;
                return true;
            case "monthly":
                frequency = EvidenceFrequency.Monthly;
                return true;
            case "quarterly":
                frequency = EvidenceFrequency.Quarterly;
                return true;
            case "annual":
                frequency = EvidenceFrequency.Annual;
                return true;
            default:
                frequency = default;
                return false;
        }
    }

    /// <summary>Why a frequency is refused, or null when it is fine.</summary>
    public static string? CheckFrequency(string? text) =>
        string.IsNullOrWhiteSpace(text) ? $"frequency is required: one of {string.Join(", ", FrequencyNames)}"
        : TryParseFrequency(text, out _) ? null
        : $"'{text.Trim()}' is not a frequency: use one of {string.Join(", ", FrequencyNames)}";

    /// <summary>Why a control id is refused, or null when it is fine.</summary>
    public static string? CheckCode(string? code) =>
        string.IsNullOrWhiteSpace(code) ? "control id is required"
        : code.Trim().Length > MaxCodeLength ? $"control id is longer than {MaxCodeLength} characters"
        : code.Any(char.IsControl) ? "control id contains control characters"
        : null;

    /// <summary>Why a title is refused, or null when it is fine.</summary>
    public static string? CheckTitle(string? title) =>
        string.IsNullOrWhiteSpace(title) ? "title is required"
        : title.Trim().Length > MaxTitleLength ? $"title is longer than {MaxTitleLength} characters"
        : null;

    public static string? CheckEvidenceDescription(string? description) =>
        description is not null && description.Trim().Length > MaxEvidenceDescriptionLength
            ? $"evidence description is longer than {MaxEvidenceDescriptionLength} characters"
            : null;

    /// <summary>Why an owner email is refused (an empty one is fine: the control has no owner yet), or null.</summary>
    public static string? CheckOwnerEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) || Person.IsValidEmail(Person.NormaliseEmail(email)) ? null : $"'{email.Trim()}' is not an email address";

    /// <summary>
    /// Checks SOC 2 criterion ids against the catalog (<c>CC6.1</c>, any case, an optional <c>SOC2:</c> prefix) and returns
    /// them as the catalog spells them, without duplicates, with one reason per unknown id.
    /// </summary>
    public static (List<string> Refs, List<string> Errors) CheckSoc2Refs(IEnumerable<string> refs, Catalog catalog) =>
        Check(refs, catalog, Catalog.Soc2Prefix, Catalog.IsoPrefix, "SOC 2 criterion", "an ISO/IEC 27001 id: put it in the ISO 27001 references");

    /// <summary>Checks ISO/IEC 27001:2022 clause and Annex A ids (<c>9.2</c>, <c>A.5.18</c>) the same way.</summary>
    public static (List<string> Refs, List<string> Errors) CheckIso27001Refs(IEnumerable<string> refs, Catalog catalog) =>
        Check(refs, catalog, Catalog.IsoPrefix, Catalog.Soc2Prefix, "ISO/IEC 27001:2022 clause or Annex A control", "a SOC 2 criterion: put it in the SOC 2 references");

    /// <summary>Splits a <c>;</c>-separated list, trimming each id and dropping empty ones.</summary>
    public static IEnumerable<string> SplitRefs(string? text) =>
        (text ?? "").Split(ControlCsv.RefSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static (List<string> Refs, List<string> Errors) Check(IEnumerable<string> refs, Catalog catalog, string prefix, string otherPrefix, string what, string otherHint)
    {
        var result = new List<string>();
        var errors = new List<string>();
        foreach (var raw in refs)
        {
            var id = raw.Trim();
            if (id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                id = id[prefix.Length..].Trim();
            }

            if (id.Length == 0)
            {
                continue;
            }

            var item = catalog.Find(prefix + id);
            if (item is not null)
            {
                if (!result.Contains(item.Code, StringComparer.Ordinal))
                {
                    result.Add(item.Code);
                }
            }
            else if (catalog.Contains(otherPrefix + id))
            {
                errors.Add($"'{id}' is {otherHint}");
            }
            else
            {
                errors.Add($"unknown {what} '{id}'");
            }
        }

        return (result, errors);
    }
}
