namespace ChatCompliance.Core.Cards;

/// <summary>A free-text field.</summary>
/// <param name="Id">The key the value comes back under.</param>
/// <param name="Label">Plain text shown above the field.</param>
/// <param name="Placeholder">Plain-text hint shown in the empty field.</param>
/// <param name="Multiline">Several lines rather than one.</param>
/// <param name="Required">The action cannot be sent while the field is empty.</param>
/// <param name="MaxLength">The most characters accepted (Slack accepts at most 3,000).</param>
/// <param name="Value">The text the field starts with (an edit form shows what is there now); plain text.</param>
public sealed record TextInput(
    string Id,
    string Label,
    string? Placeholder = null,
    bool Multiline = false,
    bool Required = false,
    int? MaxLength = null,
    string? Value = null) : CardInput(Id, Label, Required);
