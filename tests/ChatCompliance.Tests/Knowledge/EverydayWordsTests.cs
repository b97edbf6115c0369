using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Words we share with everyday speech (a camera's ISO, a disk image, type 2 diabetes, a CPA doing taxes) do not make a
/// question ours, while a question that uses them our way is still answered; and a fast-typing slip never declines one.
/// </summary>
public sealed class EverydayWordsTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    private QuestionAnswerer Answerer => fixture.Answerer;

    [Theory]
    [InlineData("what iso does my phone camera use in low light")]
    [InlineData("where do i find the windows 11 iso download")]
    [InlineData("type 2 diabetes snacks for the office")]
    [InlineData("stage 1 vs stage 2 hypertension, what's the difference")]
    [InlineData("type 1 or type 2 diabetes, which is more common")]
    [InlineData("can a cpa help with my mortgage paperwork")]
    [InlineData("how long does a forklift certificate last")]
    public void Answer_EverydayUseOfOurWords_Abstains(string question)
    {
        var answer = Answerer.Answer(question);

        Assert.True(answer.Abstained, $"answered with {answer.EntryId}");
    }

    [Theory]
    [InlineData("what's a type 2", "soc2-type1-vs-type2")]
    [InlineData("how long is an iso cert valid", "iso27001-certificate-validity-three-years")]
    [InlineData("can we use the iso logo on our website", "iso27001-certification-mark-use")]
    [InlineData("type 1 first or straight to type 2", "soc2-type1-when-useful")]
    public void Answer_OurUseOfEverydayWords_Answers(string question, string entryId)
    {
        var answer = Answerer.Answer(question);

        Assert.False(answer.Abstained);
        Assert.Equal(entryId, answer.EntryId);
    }

    [Theory]
    [InlineData("wat is a bridge letter", "soc2-bridge-letter")]
    [InlineData("hwo long is a soc 2 report valid", "soc2-report-validity-and-freshness")]
    public void Answer_StopWordSlip_StillAnswers(string question, string entryId)
    {
        var answer = Answerer.Answer(question);

        Assert.False(answer.Abstained);
        Assert.Equal(entryId, answer.EntryId);
    }
}
