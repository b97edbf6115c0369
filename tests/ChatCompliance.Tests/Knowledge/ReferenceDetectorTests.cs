using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

public sealed class ReferenceDetectorTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    private ReferenceDetector Detector => new(fixture.KnowledgeBase.Catalog);

    [Theory]
    [InlineData("what is CC6.1", "SOC2:CC6.1")]
    [InlineData("cc 6.1??", "SOC2:CC6.1")]
    [InlineData("whats CC-5.3", "SOC2:CC5.3")]
    [InlineData("pi 1.3 meaning", "SOC2:PI1.3")]
    [InlineData("P4.1", "SOC2:P4.1")]
    [InlineData("a1.2 availability criterion?", "SOC2:A1.2")]
    [InlineData("A.5.15 access control", "ISO27001:A.5.15")]
    [InlineData("a5.30 ict readiness", "ISO27001:A.5.30")]
    [InlineData("annex a 8.28", "ISO27001:A.8.28")]
    [InlineData("Annex A control 8.8", "ISO27001:A.8.8")]
    [InlineData("iso control 5.1", "ISO27001:A.5.1")]
    [InlineData("clause 9.2 internal audit", "ISO27001:9.2")]
    [InlineData("cl. 6.1.2", "ISO27001:6.1.2")]
    [InlineData("what's 5.15 in iso", "ISO27001:A.5.15")]
    [InlineData("9.3.2 inputs", "ISO27001:9.3.2")]
    [InlineData("clause 9", "ISO27001:9")]
    public void Detect_AnySpelling_FindsTheId(string question, string expected)
    {
        Assert.Equal(expected, Detector.Detect(question).References[0]);
    }

    [Fact]
    public void Detect_NoDigit_FindsNothingAndKeepsTheWholeQuestion()
    {
        var detected = Detector.Detect("What Is Annex A, Article Or Control?");

        Assert.Empty(detected.References);
        Assert.Empty(detected.Unresolved);
        Assert.Equal("what is annex a, article or control?", detected.Remainder);
    }

    [Fact]
    public void Detect_BareNumberThatIsBothClauseAndControl_FindsBoth()
    {
        var found = Detector.Detect("what is 5.3 in iso").References;

        Assert.Equal(["ISO27001:5.3", "ISO27001:A.5.3"], found);
    }

    [Theory]
    [InlineData("what does pci dss requirement 3.5.1 say")]
    [InlineData("gdpr article 30 record fields")]
    [InlineData("nist AC-2(3) inactive accounts")]
    [InlineData("hipaa 164.404 notice")]
    public void Detect_OtherRuleBooksIdentifiers_AreUnresolvedNotGuessed(string question)
    {
        var detected = Detector.Detect(question);

        Assert.Empty(detected.References);
        Assert.NotEmpty(detected.Unresolved);
    }

    [Theory]
    [InlineData("soc 2 type 2 vs iso 27001:2022")]
    [InlineData("do we need tls 1.2")]
    [InlineData("how long is a type ii window, 6 or 12 months")]
    public void Detect_VersionsAndFrameworkNames_AreNotIds(string question)
    {
        var detected = Detector.Detect(question);

        Assert.Empty(detected.References);
        Assert.Empty(detected.Unresolved);
    }
}
