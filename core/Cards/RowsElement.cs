namespace ChatCompliance.Core.Cards;

/// <summary>A table-like list where each row has its own buttons, such as one row per user in an access review.</summary>
public sealed record RowsElement(IReadOnlyList<CardRow> Rows) : CardElement;

/// <summary>One row: its cells (Markdown) side by side, then the buttons that act on this row.</summary>
public sealed record CardRow(IReadOnlyList<string> Cells, IReadOnlyList<CardButton> Actions);
