using System.Text.RegularExpressions;
using ChatCompliance.Core.Cards;

namespace ChatCompliance.Tests.Cards;

public sealed partial class CardTextTests
{
    [Theory]
    [InlineData("**x**", @"\*\*x\*\*")]
    [InlineData("<script>alert(1)</script>", @"\<script\>alert\(1\)\</script\>")]
    [InlineData("[a](javascript:x)", @"\[a\]\(javascript:x\)")]
    [InlineData("# big > quote | cell & `code` ~~del~~ _it_", @"\# big \> quote \| cell \& \`code\` \~\~del\~\~ \_it\_")]
    [InlineData(@"already \* escaped", @"already \\\* escaped")]
    public void Escape_MarkdownAndHtml_AreBackslashEscaped(string untrusted, string expected) =>
        Assert.Equal(expected, CardText.Escape(untrusted));

    [Theory]
    [InlineData("What is CC6.1? It's 50% done, isn't it!", "What is CC6.1? It's 50% done, isn't it!")]
    [InlineData("  lots   of\tspace  ", "lots of space")]
    public void Escape_PlainText_IsKeptApartFromSpaces(string untrusted, string expected) =>
        Assert.Equal(expected, CardText.Escape(untrusted));

    [Theory]
    [InlineData("- item", @"\- item")]
    [InlineData("+ item", @"\+ item")]
    [InlineData("12. item", @"12\. item")]
    [InlineData("first\n- second", "first\n\n\\- second")]
    public void Escape_LineStartingLikeAList_IsEscaped(string untrusted, string expected) =>
        Assert.Equal(expected, CardText.Escape(untrusted));

    [Fact]
    public void Escape_LineBreaks_BecomeParagraphs() =>
        Assert.Equal("one\n\ntwo\n\nthree", CardText.Escape("one\r\n\r\n\n  two\rthree\n"));

    [Fact]
    public void Escape_ControlAndBidiCharacters_AreDropped() =>
        Assert.Equal("abcd", CardText.Escape("a\u0000b\u001b\u202Ec\u200Bd\u007f"));

    [Fact]
    public void Escape_LongText_IsCutWithAnEllipsis()
    {
        var escaped = CardText.Escape(new string('a', 10_000));

        Assert.Equal(new string('a', CardText.MaxLength) + "…", escaped);
    }

    [Fact]
    public void Escape_CutThroughASurrogatePair_KeepsTheTextWellFormed()
    {
        var escaped = CardText.Escape(new string('a', CardText.MaxLength - 1) + "😀😀");

        Assert.Equal(new string('a', CardText.MaxLength - 1) + "…", escaped);
    }

    [Theory]
    [InlineData(SampleCards.Hostile)]
    [InlineData("**x**")]
    [InlineData("[a](javascript:x)")]
    public void LeadQuestion_HostileText_IsEscaped(string hostile)
    {
        var card = QuestionCards.LeadQuestion(SampleCards.QuestionId, hostile, hostile);

        Assert.Equal($"**{CardText.Escape(hostile)}** asked:", Text(card, 0));
        Assert.Equal(CardText.Escape(hostile), Text(card, 1));
        AssertNeutral(CardText.Escape(hostile));
        Assert.DoesNotContain(hostile, card.FallbackText, StringComparison.Ordinal);
    }

    [Fact]
    public void LeadQuestionAndLeadAnswer_TenKilobytesOfHostileText_AreEscapedAndBounded()
    {
        foreach (var card in new[]
        {
            QuestionCards.LeadQuestion(SampleCards.QuestionId, SampleCards.HostileLong, SampleCards.HostileLong),
            QuestionCards.LeadAnswer(SampleCards.HostileLong, SampleCards.HostileLong),
        })
        {
            var texts = card.Body.OfType<TextElement>().Select(t => t.Text).ToList();
            Assert.All(texts, text => Assert.InRange(text.Length, 1, 2 * CardText.MaxLength + 20));
            Assert.All(texts, text => AssertNeutral(text.Replace("**", "", StringComparison.Ordinal)));
            Assert.All(texts, text => Assert.DoesNotContain(text, c => char.IsControl(c) && c != '\n'));
            Assert.True(card.FallbackText.Length <= CardText.MaxLength * 2 + 100);
        }
    }

    [Fact]
    public void LeadAnswer_EscapesTheLeadsNameAndAnswer()
    {
        var card = QuestionCards.LeadAnswer("<b>Eve</b>", "Click [here](javascript:x)");

        Assert.Equal(@"**\<b\>Eve\</b\>** answered your question:", Text(card, 0));
        Assert.Equal(@"Click \[here\]\(javascript:x\)", Text(card, 1));
    }

    private static string Text(Card card, int index) => card.Body.OfType<TextElement>().ElementAt(index).Text;

    // With every escape pair removed, nothing that starts Markdown or HTML may be left.
    private static void AssertNeutral(string escaped)
    {
        var unescaped = EscapePair().Replace(escaped, "");
        Assert.DoesNotContain(unescaped, c => @"\*_[]()`#><&|~".Contains(c, StringComparison.Ordinal));
        Assert.DoesNotMatch(@"(^|\n)\s*([-+]|\d+\.)\s", unescaped);
    }

    [GeneratedRegex(@"\\.")]
    private static partial Regex EscapePair();
}
