namespace ChatCompliance.Core.Cards;

/// <summary>A list of label/value pairs, such as "CC6.1" / "Logical access security measures".</summary>
public sealed record FactsElement(IReadOnlyList<Fact> Facts) : CardElement;

/// <summary>One label/value pair; both Markdown.</summary>
public sealed record Fact(string Label, string Value);
