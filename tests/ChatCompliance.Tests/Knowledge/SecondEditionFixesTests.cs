using System.Text.RegularExpressions;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Pins the reviewer's corrections of the knowledge base's second edition (issue 17, item 1): each wrong or
/// overstated statement stays gone and the correct one stays in, so a later edit cannot quietly bring it back.
/// </summary>
public sealed partial class SecondEditionFixesTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    private KnowledgeEntry Entry(string id) => fixture.KnowledgeBase.ById[id];

    private IEnumerable<(string Id, string Sentence)> Sentences() =>
        fixture.KnowledgeBase.Entries.SelectMany(e => SentenceEnd().Split(e.AnswerText).Select(s => (e.Id, s)));

    [Fact]
    public void The_knowledge_base_loads_without_problems()
    {
        Assert.Empty(fixture.Problems);
    }

    [Theory]
    [InlineData("soc2-cc8-change-management")]
    [InlineData("soc2-2022-points-of-focus-revision")]
    public void Segregation_of_duties_is_not_credited_to_the_2022_points_of_focus(string id)
    {
        // The 2022 revision added patch management, system resilience and privacy by design to CC8.1; segregation of
        // duties is a CC5.1 point of focus that was there before.
        var sentences = SentenceEnd().Split(Entry(id).AnswerText);
        Assert.DoesNotContain(sentences, s => s.Contains("2022", StringComparison.Ordinal) && s.Contains("segregation", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("patch", Entry(id).AnswerText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Cc8_names_where_segregation_of_duties_comes_from()
    {
        Assert.Contains("CC5.1", Entry("soc2-cc8-change-management").AnswerText, StringComparison.Ordinal);
    }

    [Fact]
    public void No_entry_calls_a_SOC_2_report_a_certificate_except_to_say_there_is_none()
    {
        var slips = Sentences()
            .Where(x => SocTwoCertificate().IsMatch(x.Sentence) && !Negation().IsMatch(x.Sentence))
            .Select(x => $"{x.Id}: {x.Sentence}")
            .ToList();
        Assert.Empty(slips);
        Assert.Contains("SOC 2 report or ISO 27001 certificate", Entry("control-physical-security-remote-cloud").AnswerText, StringComparison.Ordinal);
    }

    [Fact]
    public void Business_continuity_does_not_claim_iso_expects_it_whatever_the_scope()
    {
        var text = Entry("control-business-continuity-dr").AnswerText;
        Assert.DoesNotContain("whatever your scope", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("risk assessment", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("justification", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Gdpr_article_32_maps_to_security_controls_not_to_the_privacy_control()
    {
        var gdpr = Entry("reg-gdpr");
        var article32 = Assert.Single(SentenceEnd().Split(gdpr.AnswerText), s => s.Contains("Article 32", StringComparison.Ordinal));
        Assert.Contains("A.8.24", article32, StringComparison.Ordinal);
        Assert.Contains("A.8.13", article32, StringComparison.Ordinal);
        Assert.DoesNotContain("A.5.34", article32, StringComparison.Ordinal);
        Assert.DoesNotContain("privacy criteria", article32, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ISO27001:A.8.24", gdpr.References);
        Assert.Contains("ISO27001:A.5.35", gdpr.References);
    }

    [Fact]
    public void Iso27701_does_not_overstate_what_accreditation_covers()
    {
        var text = Entry("reg-iso27701").AnswerText;
        Assert.DoesNotContain("as with ISO 27001", text, StringComparison.Ordinal);
        Assert.Contains("27006-2", text, StringComparison.Ordinal);
        Assert.Contains("accreditation scope", text, StringComparison.Ordinal);
        Assert.Contains("standalone", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_statement_of_applicability_is_mandatory_under_6_1_3()
    {
        var text = Entry("iso27001-statement-of-applicability").AnswerText;
        Assert.Contains("mandatory", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("6.1.3", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentences(), x => SoaMention().IsMatch(x.Sentence) && OftenRequired().IsMatch(x.Sentence));
    }

    [Fact]
    public void Type_2_periods_are_described_the_same_way_everywhere()
    {
        // No minimum in the standards; 3-12 months is usual. A 6-12 month range may describe elapsed project time, but
        // never the period itself.
        Assert.DoesNotContain(Sentences(), x => SixToTwelvePeriod().IsMatch(x.Sentence));
        Assert.DoesNotContain(Sentences(), x => x.Sentence.Contains("minimum", StringComparison.OrdinalIgnoreCase) && SixToTwelve().IsMatch(x.Sentence));
        Assert.Contains("no minimum", Entry("soc2-type2-observation-period-length").AnswerText, StringComparison.Ordinal);
        Assert.Contains("no hard minimum", Entry("soc2-type2-first-period-minimum").AnswerText, StringComparison.Ordinal);
        foreach (var id in new[] { "soc2-type1-vs-type2", "soc2-what-is-it", "compare-soc2-vs-iso27001-overview", "compare-validity-and-audit-cadence", "soc2-how-long-does-it-take" })
        {
            Assert.Matches(ThreeToTwelve(), Entry(id).AnswerText);
        }
    }

    [Theory]
    [InlineData("who audits iso 27001")]
    [InlineData("who audits iso 27001?")]
    [InlineData("who audits us for iso 27001")]
    [InlineData("who carries out the iso 27001 audit")]
    public void Who_audits_iso_27001_is_answered_by_the_certification_bodies_entry(string question)
    {
        var answer = fixture.Answerer.Answer(question);
        Assert.False(answer.Abstained);
        Assert.Equal("iso27001-certification-bodies-and-accreditation", answer.EntryId);
    }

    [Fact]
    public void The_stage_2_entry_does_not_claim_the_who_audits_phrasings()
    {
        Assert.DoesNotContain(Entry("iso27001-stage-2-audit").Questions, q => q.Contains("who audit", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Entry("compare-who-performs-the-audit").Questions, q => q.Equals("who audits iso 27001", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("soc2-who-performs-the-audit", new[] { "SOC2:CC4.1" })]
    [InlineData("compare-who-performs-the-audit", new[] { "SOC2:CC4.1", "ISO27001:A.5.35" })]
    [InlineData("iso27001-transition-deadline", new[] { "ISO27001:4.4", "ISO27001:6.3" })]
    [InlineData("iso27001-accredited-vs-unaccredited-certificates", new[] { "ISO27001:4.4" })]
    public void Entries_keep_only_references_their_text_is_about(string id, string[] irrelevant)
    {
        var entry = Entry(id);
        Assert.All(irrelevant, r => Assert.DoesNotContain(r, entry.References));

        // What is left is named in the answer itself, so the citation matches what the text says.
        Assert.All(entry.References, r => Assert.Contains(r[(r.IndexOf(':') + 1)..], entry.AnswerText, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"SOC ?2\W{0,3}(or (an )?ISO\W+)?certifi(cate|ed|cation)", RegexOptions.IgnoreCase)]
    private static partial Regex SocTwoCertificate();

    [GeneratedRegex(@"\b(no|not|never|nobody|none|isn't|aren't|don't|doesn't|neither|nor)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Negation();

    [GeneratedRegex(@"\b(SoA|Statement of Applicability)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SoaMention();

    [GeneratedRegex(@"\b(often|usually|sometimes|typically) (required|needed|expected)\b|\boptional\b", RegexOptions.IgnoreCase)]
    private static partial Regex OftenRequired();

    [GeneratedRegex(@"\b(6|six)\s*(-|–|to)\s*(12|twelve)[- ]months?\s+(period|observation|window)|\b(period|window)s?\b[^.]{0,25}\b(6|six)\s*(-|–|to)\s*(12|twelve)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SixToTwelvePeriod();

    [GeneratedRegex(@"\b(6|six)\s*(-|–|to)\s*(12|twelve)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SixToTwelve();

    [GeneratedRegex(@"\b3\s*(-|–|to)\s*12 months")]
    private static partial Regex ThreeToTwelve();
}
