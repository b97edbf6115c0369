using System.Text.Json;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Integrations.Teams.Cards;

namespace ChatCompliance.Tests.Cards;

/// <summary>An answer's card is built and rendered once, and every message carrying it is the same as a fresh rendering.</summary>
public sealed class ReusedCardTests
{
    [Fact]
    public void Answer_SameAnswerTwice_IsOneReusedCard()
    {
        var first = QuestionCards.Answer(SampleCards.EntryAnswer, SampleCards.QuestionId);
        var second = QuestionCards.Answer(SampleCards.EntryAnswer, Guid.NewGuid());

        Assert.Same(first, second);
        Assert.True(first.Reused);
    }

    [Fact]
    public void Answer_AbstainedWithHandOff_IsBuiltForEachQuestion()
    {
        var first = QuestionCards.Answer(SampleCards.Abstained, Guid.NewGuid());
        var second = QuestionCards.Answer(SampleCards.Abstained, Guid.NewGuid());

        Assert.NotSame(first, second);
        Assert.False(first.Reused);
        Assert.NotEqual(HandOffQuestion(first), HandOffQuestion(second));
    }

    [Fact]
    public void Teams_ReusedCard_RendersAsAFreshCardDoes()
    {
        var reused = QuestionCards.Answer(SampleCards.EntryAnswer);

        var fresh = JsonSerializer.Serialize(AdaptiveCardRenderer.ToAttachment(reused with { Reused = false }).Content);

        Assert.Equal(fresh, JsonSerializer.Serialize(AdaptiveCardRenderer.ToAttachment(reused).Content));
        Assert.Equal(fresh, JsonSerializer.Serialize(AdaptiveCardRenderer.ToAttachment(reused).Content));
    }

    [Fact]
    public void Slack_ReusedCard_EachMessageIsItsOwnAndRendersAsAFreshCardDoes()
    {
        var reused = QuestionCards.Answer(SampleCards.EntryAnswer);
        var fresh = BlockKitRenderer.Render(reused with { Reused = false });

        var first = BlockKitRenderer.Render(reused);
        var second = BlockKitRenderer.Render(reused);
        // Each goes into its own payload, and changing one leaves the other (and the next) as rendered.
        var payloads = new[] { new JsonObject { ["blocks"] = first.Blocks }, new JsonObject { ["blocks"] = second.Blocks } };
        first.Blocks.Add(new JsonObject { ["type"] = "divider" });

        Assert.Equal(fresh.Text, second.Text);
        Assert.Equal(fresh.Blocks.ToJsonString(), payloads[1]["blocks"]!.ToJsonString());
        Assert.Equal(fresh.Blocks.Count + 1, first.Blocks.Count);
        Assert.Equal(fresh.Blocks.ToJsonString(), BlockKitRenderer.Render(reused).Blocks.ToJsonString());
    }

    [Fact]
    public void RenderedCards_RenderAReusedCardOnceAndAnyOtherEveryTime()
    {
        var renderings = 0;
        var rendered = new RenderedCards<string>(card => $"{card.FallbackText} #{++renderings}");
        var reused = QuestionCards.Answer(SampleCards.EntryAnswer);
        var fresh = reused with { Reused = false };

        Assert.Equal(rendered.Get(reused), rendered.Get(reused));
        Assert.NotEqual(rendered.Get(fresh), rendered.Get(fresh));
        Assert.Equal(3, renderings);
    }

    private static string? HandOffQuestion(Card card) =>
        card.Actions.OfType<CardAction>().Single(a => a.Verb == CardVerbs.QaHandOff).Data[CardDataKeys.Question];
}
