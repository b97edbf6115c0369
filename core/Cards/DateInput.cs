namespace ChatCompliance.Core.Cards;

/// <summary>A date picker; the value comes back as <c>yyyy-MM-dd</c>.</summary>
public sealed record DateInput(string Id, string Label, bool Required = false, DateOnly? Value = null)
    : CardInput(Id, Label, Required);
