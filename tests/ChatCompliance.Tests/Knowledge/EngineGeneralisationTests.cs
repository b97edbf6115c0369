using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Integrations.Teams.Cards;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// The engine answers the question asked (issue 17, item 4): comparisons for both sides, acronyms spelled out, typos
/// tolerated, a neighbouring entry never served as the answer, and every listed phrasing answered by its entry's text.
/// </summary>
public sealed class EngineGeneralisationTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cc-kb-engine-").FullName;

    private QuestionAnswerer Answerer => fixture.Answerer;

    // 0. Words as people type them

    [Theory]
    [InlineData("what does isae3000 cover", "isae-3000-and-soc2")]
    [InlineData("is 27701 a separate certificate", "reg-iso27701")]
    [InlineData("who signs the bridge leter", "soc2-bridge-letter")]
    [InlineData("is iso recognised more internationally than soc 2", "compare-geography-and-recognition")]
    [InlineData("masking customer data in dev envs for iso", "iso27001-data-masking")]
    public void Answer_GluedNumberBareNumberShortTypoOrLookalikeStem_FindsTheEntry(string question, string expected)
    {
        var answer = Answerer.Answer(question);

        Assert.False(answer.Abstained);
        Assert.Equal(expected, answer.EntryId);
    }

    // 1. Comparisons

    [Theory]
    [InlineData("soc 2 bridge letter vs iso surveillance", "soc2-bridge-letter", "iso27001-surveillance-audits")]
    [InlineData("difference between a soc 2 bridge letter and an iso 27001 surveillance audit", "soc2-bridge-letter", "iso27001-surveillance-audits")]
    public void Answer_ComparisonWithoutWrittenEntry_ComposesBothSides(string question, string first, string second)
    {
        var answer = Answerer.Answer(question);

        Assert.Equal(AnswerKind.Composed, answer.Kind);
        Assert.Equal(first, answer.EntryId);
        Assert.Equal([second], answer.AlsoEntryIds);
        Assert.Contains($"**{fixture.KnowledgeBase.ById[first].Title}**", answer.Text, StringComparison.Ordinal);
        Assert.Contains($"**{fixture.KnowledgeBase.ById[second].Title}**", answer.Text, StringComparison.Ordinal);
        foreach (var id in new[] { first, second })
        {
            var entry = fixture.KnowledgeBase.ById[id];
            Assert.All(entry.References, r => Assert.Contains(answer.References, c => c.Ref == r));
            Assert.All(entry.Sources, s => Assert.Contains(answer.Sources, c => c.Url == s.Url));
            Assert.Contains(answer.Related, r => r.EntryId == id);
        }
    }

    [Theory]
    [InlineData("soc 2 type 1 vs type 2", "soc2-type1-vs-type2")]
    [InlineData("what's the difference between soc 2 and iso 27001", "compare-soc2-vs-iso27001-overview")]
    public void Answer_ComparisonWithWrittenEntry_ServesThatEntry(string question, string expected)
    {
        var answer = Answerer.Answer(question);

        Assert.Equal(AnswerKind.Entry, answer.Kind);
        Assert.Equal(expected, answer.EntryId);
    }

    [Fact]
    public void Answer_ComparisonWithAnUnknownSide_DoesNotCompose()
    {
        var answer = Answerer.Answer("soc 2 bridge letter vs banana bread");

        Assert.NotEqual(AnswerKind.Composed, answer.Kind);
    }

    [Fact]
    public void Card_ComposedAnswer_ShowsBothEntriesOnTeamsAndSlack()
    {
        var answer = Answerer.Answer("soc 2 bridge letter vs iso surveillance");
        var card = QuestionCards.Answer(answer);

        var teams = AdaptiveCardRenderer.Render(card).ToJsonString();
        var slack = BlockKitRenderer.Render(card).Blocks.ToJsonString();

        foreach (var id in new[] { answer.EntryId!, answer.AlsoEntryIds[0] })
        {
            var title = fixture.KnowledgeBase.ById[id].Title;
            Assert.Contains(JsonValue.Create(title).ToJsonString().Trim('"'), teams, StringComparison.Ordinal);
            Assert.Contains(JsonValue.Create(title).ToJsonString().Trim('"'), slack, StringComparison.Ordinal);
        }

        Assert.Contains("two knowledge-base entries", teams, StringComparison.Ordinal);
    }

    // 2. Acronyms

    [Theory]
    [InlineData("does the firm signing our soc 2 have to be a CPA", "CPA", "certified public accountant")]
    [InlineData("a prospect sent us a CAIQ, can our soc 2 answer it", "CAIQ", "Consensus Assessments Initiative Questionnaire")]
    [InlineData("does having a CISSP on staff help our iso 27001 certification", "CISSP", "Certified Information Systems Security Professional")]
    public void Answer_AcronymAsked_SpellsItOutNearTheStart(string question, string acronym, string expansion)
    {
        var answer = Answerer.Answer(question);

        Assert.False(answer.Abstained);
        var at = answer.Text.IndexOf(expansion, StringComparison.OrdinalIgnoreCase);
        Assert.InRange(at, 0, 120);
        Assert.Contains(acronym, answer.Text[..(at + expansion.Length)], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("what are cuecs", "soc2-cuecs", "CUEC")]
    [InlineData("what goes in the soa", "iso27001-statement-of-applicability", "SoA")]
    public void Answer_AcronymAlreadySpelledOutByEntry_IsNotRepeated(string question, string entry, string acronym)
    {
        var answer = Answerer.Answer(question);

        Assert.Equal(entry, answer.EntryId);
        Assert.DoesNotContain($"**{acronym}** is", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Expansions_AcronymOrExpansion_AddsTheOther()
    {
        var glossary = fixture.KnowledgeBase.Glossary;

        Assert.Contains("recoveri", glossary.Expansions(TextAnalyzer.Terms("what is our rto")));
        Assert.Contains("rto", glossary.Expansions(TextAnalyzer.Terms("recovery time objective for backups")));
        Assert.Empty(glossary.Expansions(TextAnalyzer.Terms("cruise control not working on my car")));
    }

    [Fact]
    public void Answer_AcronymWrittenAsTheExpansion_FindsTheSameEntry()
    {
        var byAcronym = Answerer.Answer("what is the IAF MLA");
        var byExpansion = Answerer.Answer("what is the international accreditation forum multilateral recognition arrangement");

        Assert.False(byAcronym.Abstained);
        Assert.Equal(byAcronym.EntryId, byExpansion.EntryId);
    }

    [Fact]
    public void Load_GlossaryRowWithoutSource_IsReported()
    {
        CopyKnowledge();
        File.AppendAllText(Path.Combine(_folder, "catalogs", Glossary.FileName), "XYZ,some expansion,,\n");

        var (_, problems) = KnowledgeBase.Load(_folder);

        Assert.Contains(problems, p => p.Message.Contains("'XYZ' needs an acronym, an expansion and an https source", StringComparison.Ordinal));
    }

    // 3. Typos

    [Theory]
    [InlineData("is soc 2 an attestaion or a certifcate")]
    [InlineData("iso surveilance audit how often")]
    [InlineData("what are sub-servce organizations in a soc 2")]
    [InlineData("how long is a type 2 obsevation period")]
    [InlineData("who issues iso certifcates")]
    public void Answer_OneOrTwoTypos_StillAnswers(string question)
    {
        Assert.False(Answerer.Answer(question).Abstained, question);
    }

    [Theory]
    [InlineData("how many vacation days do i have")]
    [InlineData("pest control near the office")]
    [InlineData("cruise control not working on my car")]
    [InlineData("best recipe for banana bread")]
    public void Answer_OutOfScopeWithNearWords_StillDeclines(string question)
    {
        Assert.True(Answerer.Answer(question).Abstained, question);
    }

    // 4. Neighbours

    [Theory]
    [InlineData("what is iso 14001", "ISO 14001")]
    [InlineData("do we need iso 20000 as well", "ISO 20000")]
    public void Answer_StandardWeHaveNoEntryOn_SaysSoAndOffersTheTeam(string question, string topic)
    {
        var answer = Answerer.Answer(question);

        Assert.True(answer.Abstained);
        Assert.StartsWith($"I don't have an entry on {topic}.", answer.Text, StringComparison.Ordinal);
        Assert.Contains("compliance team", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_BestEntryLacksTheAskedStandard_NamesTheClosestInstead()
    {
        var answer = Answerer.Answer("how does iso 14001 relate to the iso 27001 isms");

        Assert.True(answer.Abstained);
        Assert.StartsWith("I don't have an entry on ISO 14001. Closest: **", answer.Text, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Related);
        Assert.Contains($"**{answer.Related[0].Title}**", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_NeighbourAnswer_OffersTheHandOff()
    {
        var card = QuestionCards.Answer(Answerer.Answer("what is iso 14001"), Guid.NewGuid());

        Assert.Contains(card.Actions, a => a is CardAction { Verb: CardVerbs.QaHandOff });
    }

    [Fact]
    public void Answer_TopicTheEntryCovers_IsAnswered()
    {
        var answer = Answerer.Answer("what is iso 27701");

        Assert.Equal("reg-iso27701", answer.EntryId);
    }

    // 5. kb check

    [Fact]
    public void Load_PhrasingListedUnderTwoEntries_IsReported()
    {
        CopyKnowledge();
        var file = Path.Combine(_folder, "entries", "soc2-bridge-letter.md");
        File.WriteAllText(file, File.ReadAllText(file).Replace("questions:\n", "questions:\n  - Management Assertion Template\n", StringComparison.Ordinal));

        var (_, problems) = KnowledgeBase.Load(_folder);

        Assert.Contains(problems, p => p.Message.StartsWith("phrasing also listed under ", StringComparison.Ordinal)
            && p.Message.EndsWith("assertion template", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Load_PhrasingAboutAnotherTopic_IsReported()
    {
        CopyKnowledge();
        var file = Path.Combine(_folder, "entries", "soc2-bridge-letter.md");
        File.WriteAllText(file, File.ReadAllText(file).Replace("questions:\n", "questions:\n  - what rto should we target\n", StringComparison.Ordinal));

        var (_, problems) = KnowledgeBase.Load(_folder);

        Assert.Contains(problems, p => p.Message == "phrasing not answered by its text: soc2-bridge-letter: what rto should we target");
    }

    [Fact]
    public void UnansweredWords_PhrasingUsingTheAcronymOfTheText_IsAnswered()
    {
        var kb = fixture.KnowledgeBase;

        Assert.Empty(kb.UnansweredWords(kb.ById["iso27001-statement-of-applicability"], "what goes in the soa"));
        Assert.Empty(kb.UnansweredWords(kb.ById["soc2-cuecs"], "complementary user entity controls examples"));
    }

    private void CopyKnowledge()
    {
        foreach (var folder in new[] { "entries", "catalogs" })
        {
            Directory.CreateDirectory(Path.Combine(_folder, folder));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(fixture.Folder, folder)))
            {
                File.Copy(file, Path.Combine(_folder, folder, Path.GetFileName(file)));
            }
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
