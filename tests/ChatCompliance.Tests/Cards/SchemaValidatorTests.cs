using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Integrations.Teams.Cards;

namespace ChatCompliance.Tests.Cards;

/// <summary>The validator must reject broken cards, or a green schema test proves nothing.</summary>
public sealed class SchemaValidatorTests
{
    [Fact]
    public async Task Validate_TextBlockWithoutText_Fails()
    {
        var card = Valid();
        card["body"]![0]!.AsObject().Remove("text");

        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Theory]
    [InlineData("TextBlok")]
    [InlineData("Text")]
    public async Task Validate_UnknownElementType_Fails(string type)
    {
        var card = Valid();
        card["body"]![0]!["type"] = type;

        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Fact]
    public async Task Validate_WrongCardType_Fails()
    {
        var card = Valid();
        card["type"] = "HeroCard";

        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Fact]
    public async Task Validate_UnknownProperty_Fails()
    {
        var card = Valid();
        card["body"]![0]!["colour"] = "red";

        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Fact]
    public async Task Validate_MisspeltActionProperty_Fails()
    {
        var card = Valid();
        card["actions"]![0]!["verbb"] = "x";

        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Fact]
    public async Task Validate_BrokenFallbackAction_FailsThoughTheSchemaAloneAcceptsIt()
    {
        var card = Valid();
        card["actions"]![0]!["fallback"]!["type"] = "Action.Sumbit";

        // The schema's FallbackOption is a bare "pattern", which any object satisfies.
        Assert.Empty(await AdaptiveCardSchema.ValidateWithSchemaOnlyAsync(card));
        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Theory]
    [InlineData("http://[bad")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative")]
    public async Task Validate_UrlThatIsNotAWebAddress_FailsThoughNJsonSchemaAcceptsIt(string url)
    {
        var card = Valid();
        card["actions"]![1]!["url"] = url;

        // NJsonSchema 11.6.2 does not check format "uri-reference".
        Assert.Empty(await AdaptiveCardSchema.ValidateWithSchemaOnlyAsync(card));
        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Fact]
    public async Task Validate_WrongValueType_Fails()
    {
        var card = Valid();
        card["body"]![0]!["wrap"] = "yes";

        Assert.NotEmpty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    [Fact]
    public async Task Validate_TextThatLooksLikeADate_Passes()
    {
        // Newtonsoft turns date-like strings into dates by default; the validator must still see strings.
        var card = Valid();
        card["body"]![0]!["text"] = "2026-01-15T10:00:00Z";

        Assert.Empty(await AdaptiveCardSchema.ValidateAsync(card));
    }

    private static JsonObject Valid() => AdaptiveCardRenderer.Render(new Card(
        null,
        [new TextElement("Hello"), new LinksElement([new CardLink("Policy", "https://example.org/policy")])],
        "Hello")
    {
        Actions = [new CardAction(CardVerbs.Help, "Help", new Dictionary<string, string>()), new OpenUrlAction("Policy", "https://example.org/policy")],
    });
}
