using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatCompliance.Core.Cards;

/// <summary>
/// The neutral card as JSON, for the outbox: a card written in one transaction is rendered for its platform
/// only when the dispatcher sends it. Element and button types are named by a <c>type</c> property.
/// </summary>
public static class CardJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The card as JSON; a <see cref="Card.Reused"/> card is serialized once.</summary>
    public static string Serialize(Card card) => Serialized.Get(card);

    private static readonly RenderedCards<string> Serialized = new(card => JsonSerializer.Serialize(card, Options));

    /// <summary>The card written by <see cref="Serialize"/>; throws <see cref="JsonException"/> on anything else.</summary>
    public static Card Deserialize(string json) => JsonSerializer.Deserialize<Card>(json, Options) ?? throw new JsonException("The card is null.");
}
