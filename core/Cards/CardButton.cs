using System.Text.Json.Serialization;

namespace ChatCompliance.Core.Cards;

/// <summary>A button: either a <see cref="CardAction"/> that comes back to the bot, or an <see cref="OpenUrlAction"/>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CardAction), "action")]
[JsonDerivedType(typeof(OpenUrlAction), "open_url")]
public abstract record CardButton
{
    private protected CardButton(string title) => Title = title;

    /// <summary>Plain-text label.</summary>
    public string Title { get; init; }
}
