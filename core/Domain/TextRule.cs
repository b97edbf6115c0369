namespace ChatCompliance.Core.Domain;

/// <summary>The one rule for free-text fields people give (API bodies, chat commands, CSV files, the CLI).</summary>
public static class TextRule
{
    /// <summary>
    /// Why the text is not acceptable (missing when required, longer than <paramref name="max"/> once trimmed, or holding
    /// something no store can keep: see <see cref="StorageProblem"/>); null when fine.
    /// </summary>
    public static string? Problem(string? value, string name, int max, bool required = true) =>
        string.IsNullOrWhiteSpace(value) ? (required ? $"{name} is required" : null)
        : StorageProblem(value, name) is { } problem ? problem
        : value.Trim().Length > max ? $"{name} is longer than {max} characters"
        : null;

    /// <summary>
    /// Why the text cannot be stored as it is: a NUL character (PostgreSQL text refuses U+0000) or a lone surrogate
    /// (half of a character, which no encoding can write); null when fine or null.
    /// </summary>
    public static string? StorageProblem(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return $"{name} contains a NUL character";
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"{name} contains a broken character (a lone UTF-16 surrogate)";
            }
        }

        return null;
    }
}

/// <summary>The one rule for dates people give: nothing before 2000 and nothing more than ten years ahead.</summary>
public static class DateRule
{
    /// <summary>The earliest date accepted anywhere.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1);

    /// <summary>How far ahead a date may be.</summary>
    public const int MaxYearsAhead = 10;

    /// <summary>Why the date is absurd (before 2000, or more than ten years after <paramref name="today"/>); null when fine.</summary>
    public static string? Problem(DateOnly value, string name, DateOnly today) =>
        value < Earliest ? $"{name} is before {Earliest:yyyy-MM-dd}"
        : value > Latest(today) ? $"{name} is more than {MaxYearsAhead} years from now (after {Latest(today):yyyy-MM-dd})"
        : null;

    /// <summary>The latest date accepted on <paramref name="today"/>.</summary>
    public static DateOnly Latest(DateOnly today) => today.Year + MaxYearsAhead > DateOnly.MaxValue.Year ? DateOnly.MaxValue : today.AddYears(MaxYearsAhead);
}
