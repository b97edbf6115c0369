using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>The engine remembers answers by question, within a bound, and a remembered answer is the one it would give.</summary>
public sealed class RememberedAnswerTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    [Fact]
    public void Answer_SameQuestionAgain_IsTheRememberedAnswer()
    {
        var answerer = new QuestionAnswerer(fixture.KnowledgeBase);

        var first = answerer.Answer("are we soc 2 certified?");

        Assert.Same(first, answerer.Answer("are we soc 2 certified?"));
        Assert.Equal("soc2-is-not-a-certification", first.EntryId);
    }

    [Fact]
    public void Answer_MoreQuestionsThanItRemembers_StartsAgainAndAnswersTheSame()
    {
        var answerer = new QuestionAnswerer(fixture.KnowledgeBase, rememberedAnswers: 2);
        var first = answerer.Answer("are we soc 2 certified?");

        answerer.Answer("what is CC6.1?");
        answerer.Answer("how long is a type 2 observation period?");
        var again = answerer.Answer("are we soc 2 certified?");

        Assert.NotSame(first, again);
        Assert.Equal((first.Kind, first.EntryId, first.Text, first.Confidence), (again.Kind, again.EntryId, again.Text, again.Confidence));
    }

    [Fact]
    public void Answer_RememberingNothing_AnalysesEachTimeAndAnswersTheSame()
    {
        var answerer = new QuestionAnswerer(fixture.KnowledgeBase, rememberedAnswers: 0);

        var first = answerer.Answer("are we soc 2 certified?");
        var again = answerer.Answer("are we soc 2 certified?");

        Assert.NotSame(first, again);
        Assert.Equal((first.Kind, first.EntryId, first.Text), (again.Kind, again.EntryId, again.Text));
    }
}
