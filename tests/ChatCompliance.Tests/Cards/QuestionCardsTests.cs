using ChatCompliance.Core.Cards;

namespace ChatCompliance.Tests.Cards;

public sealed class QuestionCardsTests
{
    [Fact]
    public void Answer_WithReferencesSourcesAndRelated_HasFactsLinksAndRelatedButtons()
    {
        var card = QuestionCards.Answer(SampleCards.EntryAnswer, SampleCards.QuestionId);

        Assert.Equal("Is SOC 2 a certification?", card.Header?.Title);
        Assert.Contains("87%", card.Header?.Subtitle, StringComparison.Ordinal);
        Assert.Equal(SampleCards.EntryAnswer.Text, Assert.IsType<TextElement>(card.Body[0]).Text);
        Assert.Contains(new Fact("CC6.1", "Logical access security measures"), Assert.Single(card.Body.OfType<FactsElement>()).Facts);
        Assert.Equal(SampleCards.EntryAnswer.Sources[0].Url, Assert.Single(Assert.Single(card.Body.OfType<LinksElement>()).Links).Url);
        // A related question reads in full as a row, with a short button beside it.
        var rows = Assert.Single(card.Body.OfType<RowsElement>()).Rows;
        Assert.Equal(2, rows.Count);
        Assert.Equal("What's the difference between Type 1 and Type 2?", Assert.Single(rows[0].Cells));
        var read = Assert.IsType<CardAction>(Assert.Single(rows[0].Actions));
        Assert.Equal(CardVerbs.QaRelated, read.Verb);
        Assert.Equal("soc2-type1-vs-type2", read.Data[CardDataKeys.Entry]);
        Assert.Empty(card.Actions);
        Assert.StartsWith("Is SOC 2 a certification? — No.", card.FallbackText, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_AbstainedWithQuestionId_OffersTheHandOff()
    {
        var card = QuestionCards.Answer(SampleCards.Abstained, SampleCards.QuestionId);

        var handOff = card.Actions.OfType<CardAction>().Single(a => a.Verb == CardVerbs.QaHandOff);
        Assert.Equal("Ask the team", handOff.Title);
        Assert.Equal(SampleCards.QuestionId.ToString(), handOff.Data[CardDataKeys.Question]);
        Assert.Null(card.Header?.Subtitle);
    }

    [Fact]
    public void Answer_AbstainedWithoutQuestionId_HasNoHandOff() =>
        Assert.DoesNotContain(QuestionCards.Answer(SampleCards.Abstained).Actions.OfType<CardAction>(), a => a.Verb == CardVerbs.QaHandOff);

    [Fact]
    public void Answer_NotAbstained_HasNoHandOff() =>
        Assert.DoesNotContain(QuestionCards.Answer(SampleCards.EntryAnswer, SampleCards.QuestionId).Actions.OfType<CardAction>(), a => a.Verb == CardVerbs.QaHandOff);

    [Fact]
    public void Answer_SourceThatIsNotAWebAddress_IsLeftOut()
    {
        var answer = SampleCards.EntryAnswer with { Sources = [new("Bad", "javascript:alert(1)"), new("Relative", "/docs")] };

        Assert.Empty(QuestionCards.Answer(answer).Body.OfType<LinksElement>());
    }

    [Fact]
    public void LeadQuestion_HasARequiredMultilineAnswerAndAnAnswerAction()
    {
        var card = QuestionCards.LeadQuestion(SampleCards.QuestionId, "Grace", "Do we need a pen test?");

        var input = Assert.Single(card.Body.OfType<TextInput>());
        Assert.Equal(CardDataKeys.Answer, input.Id);
        Assert.True(input.Multiline);
        Assert.True(input.Required);
        Assert.Equal(CardText.MaxLength, input.MaxLength);
        var action = Assert.IsType<CardAction>(Assert.Single(card.Actions));
        Assert.Equal(CardVerbs.QaAnswer, action.Verb);
        Assert.Equal(SampleCards.QuestionId.ToString(), action.Data[CardDataKeys.Question]);
    }

    [Fact]
    public void Welcome_ExplainsAndOffersHelp()
    {
        var card = QuestionCards.Welcome();

        Assert.Contains(card.Body.OfType<TextElement>(), t => t.Text.Contains("What is CC6.1?", StringComparison.Ordinal));
        Assert.Equal(CardVerbs.Help, Assert.IsType<CardAction>(Assert.Single(card.Actions)).Verb);
    }

    [Fact]
    public void Help_ListsEveryCommand()
    {
        var labels = Assert.Single(QuestionCards.Help().Body.OfType<FactsElement>()).Facts.Select(f => f.Label);

        Assert.Equal(["ask *question*", "my tasks", "my reviews", "assign *control* *what* to *email* due *yyyy-mm-dd*",
            "review group|app *object id* due *yyyy-mm-dd* [by owner|manager|*emails*] [fallback *email*]", "audits", "subscribe digests|audits", "kb drafts", "more", "help"], labels);
    }

    [Fact]
    public void Help_SaysFollowUpsWork() =>
        Assert.Contains(QuestionCards.Help().Body.OfType<TextElement>(), t => t.Text.Contains("*and for ISO?*", StringComparison.Ordinal) && t.Text.Contains("*which clause is that?*", StringComparison.Ordinal));

    [Fact]
    public void HandedOff_ConfirmsTheHandOff() =>
        Assert.Contains("compliance team", QuestionCards.HandedOff().FallbackText, StringComparison.Ordinal);

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative")]
    [InlineData("ftp://example.org/file")]
    public void CardLinkAndOpenUrlAction_NonWebAddress_IsRefused(string url)
    {
        Assert.Throws<ArgumentException>(() => new CardLink("x", url));
        Assert.Throws<ArgumentException>(() => new OpenUrlAction("x", url));
    }
}
