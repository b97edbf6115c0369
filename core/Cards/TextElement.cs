namespace ChatCompliance.Core.Cards;

/// <summary>A paragraph of Markdown.</summary>
public sealed record TextElement(string Text, TextStyle Style = TextStyle.Normal) : CardElement;

/// <summary>How a <see cref="TextElement"/> stands out.</summary>
public enum TextStyle
{
    Normal,
    /// <summary>Bold.</summary>
    Emphasis,
    /// <summary>Toned down: metadata, hints.</summary>
    Subtle,
    /// <summary>Something the reader must not miss.</summary>
    Warning,
}
