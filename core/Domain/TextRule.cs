namespace ChatCompliance.Core.Domain;

/// <summary>The one rule for free-text fields people give (API bodies, chat commands).</summary>
public static class TextRule
{
    /// <summary>Why the text is not acceptable (missing when required, longer than <paramref name="max"/> once trimmed); null when fine.</summary>
    public static string? Problem(string? value, string name, int max, bool required = true) =>
        string.IsNullOrWhiteSpace(value) ? (required ? $"{name} is required" : null)
        : value.Trim().Length > max ? $"{name} is longer than {max} characters"
        : null;
}
