namespace ChatCompliance.Core.Cards;

/// <summary>A drop-down of fixed choices; the chosen <see cref="Choice.Value"/> comes back (comma-separated when <paramref name="Multiple"/>).</summary>
public sealed record ChoiceInput(string Id, string Label, IReadOnlyList<Choice> Choices, bool Required = false, bool Multiple = false)
    : CardInput(Id, Label, Required);

/// <summary>One choice: plain-text title shown, value sent back.</summary>
public sealed record Choice(string Title, string Value);
