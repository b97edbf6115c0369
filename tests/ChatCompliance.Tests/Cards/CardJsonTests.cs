using System.Text.Json;
using ChatCompliance.Core.Cards;

namespace ChatCompliance.Tests.Cards;

public sealed class CardJsonTests
{
    [Fact]
    public void Serialize_EveryElement_RoundTripsToAnEqualRendering()
    {
        var card = SampleCards.EveryElement();

        var back = CardJson.Deserialize(CardJson.Serialize(card));

        // Records compare lists by reference, so compare what a platform would get.
        Assert.Equal(CardJson.Serialize(card), CardJson.Serialize(back));
        Assert.Equal(card.Body.Select(e => e.GetType()), back.Body.Select(e => e.GetType()));
        Assert.Equal(card.Actions.Select(a => a.GetType()), back.Actions.Select(a => a.GetType()));
    }

    [Fact]
    public void Deserialize_UnknownElementType_Throws()
    {
        const string json = """{"header":null,"body":[{"type":"script","text":"x"}],"fallbackText":"x"}""";

        Assert.ThrowsAny<JsonException>(() => CardJson.Deserialize(json));
    }

    [Fact]
    public void Deserialize_JavascriptLink_IsRefused()
    {
        const string json = """{"header":null,"body":[{"type":"links","links":[{"title":"x","url":"javascript:alert(1)"}]}],"fallbackText":"x"}""";

        Assert.ThrowsAny<ArgumentException>(() => CardJson.Deserialize(json));
    }
}
