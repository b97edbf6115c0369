namespace ChatCompliance.Core.Cards;

/// <summary>A button that opens a web page.</summary>
public sealed record OpenUrlAction(string Title, string Url) : CardButton(Title)
{
    /// <summary>An absolute http or https address.</summary>
    public string Url { get; init; } = CardLink.IsWebAddress(Url) ? Url : throw new ArgumentException($"Not an http(s) address: {Url}", nameof(Url));
}
