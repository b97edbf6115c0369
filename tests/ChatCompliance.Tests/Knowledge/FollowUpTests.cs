using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>The engine given the previous turn's topic: each kind of follow-up, questions that stand alone, and no topic.</summary>
public sealed class FollowUpTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    private QuestionAnswerer Answerer => fixture.Answerer;

    /// <summary>Asks the questions in turn, each with the topic the one before returned; returns every turn.</summary>
    private List<TurnAnswer> Converse(params string[] questions)
    {
        var turns = new List<TurnAnswer>();
        ConversationTopic? topic = null;
        foreach (var question in questions)
        {
            var turn = Answerer.Answer(question, topic);
            turns.Add(turn);
            topic = turn.Topic;
        }

        return turns;
    }

    [Theory]
    [InlineData("how long does a soc 2 audit take", "soc2-how-long-does-it-take", "and for ISO?", "iso27001-certification-timeline")]
    [InlineData("how long does a soc 2 audit take", "soc2-how-long-does-it-take", "what about iso 27001", "iso27001-certification-timeline")]
    [InlineData("who does the soc 2 audit", "soc2-who-performs-the-audit", "and for ISO?", "iso27001-certification-bodies-and-accreditation")]
    [InlineData("how long does iso 27001 certification take", "iso27001-certification-timeline", "and soc 2?", "soc2-how-long-does-it-take")]
    [InlineData("who can certify us for iso 27001", "iso27001-certification-bodies-and-accreditation", "what about soc2", "soc2-who-performs-the-audit")]
    [InlineData("how much does soc 2 cost", "soc2-cost-drivers", "and for iso 27001?", "iso27001-cost-drivers")]
    public void Other_framework_answers_the_same_topic_for_the_other_framework(string first, string firstEntry, string followUp, string expected)
    {
        var turns = Converse(first, followUp);

        Assert.Equal(firstEntry, turns[0].Answer.EntryId);
        Assert.Equal(FollowUpKind.None, turns[0].FollowUp);
        Assert.Equal(FollowUpKind.OtherFramework, turns[1].FollowUp);
        Assert.Equal(expected, turns[1].Answer.EntryId);
    }

    [Theory]
    [InlineData("how long does a soc 2 audit take", "is it the same for iso?", FollowUpKind.OtherFramework, "iso27001-certification-timeline")]
    [InlineData("how long does a soc 2 audit take", "does iso have that too?", FollowUpKind.OtherFramework, "iso27001-certification-timeline")]
    [InlineData("how much does iso 27001 cost", "is that different for soc 2?", FollowUpKind.OtherFramework, "soc2-cost-drivers")]
    [InlineData("what happens in a stage 1 audit", "what about for the stage 2 one instead?", FollowUpKind.Variant, "iso27001-stage-2-audit")]
    public void Loose_follow_ups_build_on_the_topic(string first, string followUp, FollowUpKind kind, string expected)
    {
        var turns = Converse(first, followUp);

        Assert.Equal(kind, turns[1].FollowUp);
        Assert.Equal(expected, turns[1].Answer.EntryId);
    }

    [Theory]
    [InlineData("what clause number is that?", "ISO27001:9.3")]
    [InlineData("where is that in the standard?", "ISO27001:9.3")]
    public void Loose_reference_follow_ups_cite_the_last_answer(string followUp, string reference)
    {
        var turns = Converse("what is the iso 27001 management review", followUp);

        Assert.Equal(FollowUpKind.References, turns[1].FollowUp);
        Assert.Contains(turns[1].Answer.References, r => r.Ref == reference);
    }

    [Fact]
    public void Asking_for_the_other_frameworks_control_after_SOC_2_references_shows_the_crosswalk()
    {
        var turns = Converse("what does soc 2 require for change management", "which iso control covers that?");

        Assert.Equal(FollowUpKind.References, turns[1].FollowUp);
        Assert.Contains(turns[1].Answer.References, r => r.Ref == "ISO27001:A.8.32");
    }

    [Theory]
    [InlineData("is iso the same as soc 2?")]
    [InlineData("what is iso?")]
    public void A_framework_question_with_words_of_its_own_is_not_a_follow_up(string question)
    {
        var turns = Converse("how long does a soc 2 audit take", question);

        Assert.Equal(FollowUpKind.None, turns[1].FollowUp);
    }

    [Fact]
    public void Other_framework_after_an_answer_that_already_covers_both_serves_it_again_not_the_crosswalk()
    {
        var turns = Converse("what do auditors expect for incident response in soc 2", "and for iso 27001?");

        Assert.Equal(FollowUpKind.OtherFramework, turns[1].FollowUp);
        Assert.Equal(AnswerKind.Entry, turns[1].Answer.Kind);
        Assert.Equal("control-incident-response", turns[1].Answer.EntryId);
        Assert.StartsWith("My last answer covers ISO 27001 too", turns[1].Answer.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("how do we handle a major nonconformity", "what about a minor one?", "iso27001-major-vs-minor-nonconformity")]
    [InlineData("what is the carve-out method", "and inclusive?", "soc2-carve-out-vs-inclusive")]
    [InlineData("how long does soc 2 take", "and the cost?", "soc2-cost-drivers")]
    public void Other_side_that_means_nothing_alone_is_asked_with_the_topic(string first, string followUp, string expected)
    {
        var turns = Converse(first, followUp);

        Assert.Equal(FollowUpKind.OtherSide, turns[1].FollowUp);
        Assert.Equal(expected, turns[1].Answer.EntryId);
    }

    [Fact]
    public void Other_side_that_is_a_question_of_its_own_is_answered_alone()
    {
        var turns = Converse("tell me about incident response", "and what about vendors?");

        Assert.Equal(FollowUpKind.None, turns[1].FollowUp);
        Assert.Equal("control-vendor-risk-management", turns[1].Answer.EntryId);
    }

    [Fact]
    public void Other_framework_generalises_a_SOC_2_topic_never_comes_back_as_another_SOC_2_entry()
    {
        // Every SOC 2 entry, asked by its title, then "and for ISO?": an ISO or neutral entry, the crosswalk, or an honest
        // "I don't know", never a SOC 2 answer dressed as the ISO one.
        var wrong = new List<string>();
        foreach (var entry in fixture.KnowledgeBase.Entries.Where(e => e.Id.StartsWith("soc2-", StringComparison.Ordinal)))
        {
            var turns = Converse(entry.Title, "and for ISO?");
            var answer = turns[1].Answer;
            if (answer.EntryId is { } id && id.StartsWith("soc2-", StringComparison.Ordinal))
            {
                wrong.Add($"{entry.Id} -> {id}");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Variant_changes_the_type_and_keeps_the_topic()
    {
        var turns = Converse("how long is the soc 2 type 2 observation period", "what about type 1?", "and type 2?");

        Assert.Equal(FollowUpKind.Variant, turns[1].FollowUp);
        Assert.Contains("type 1", turns[1].Topic!.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("type 2", turns[1].Topic!.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.False(turns[1].Answer.Abstained);
        Assert.Equal(FollowUpKind.Variant, turns[2].FollowUp);
        Assert.Contains("type 2", turns[2].Topic!.Subject, StringComparison.OrdinalIgnoreCase);
        Assert.False(turns[2].Answer.Abstained);
    }

    [Theory]
    [InlineData("how long does a soc 2 audit take", "which criterion is that?", "SOC2:")]
    [InlineData("how long does iso 27001 certification take", "which clause is that?", "ISO27001:")]
    [InlineData("how long does iso 27001 certification take", "what's the reference", "ISO27001:")]
    public void References_are_the_previous_answers_references(string first, string followUp, string prefix)
    {
        var turns = Converse(first, followUp);
        var cited = turns[0].Answer.References.Select(r => r.Ref).Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        Assert.Equal(FollowUpKind.References, turns[1].FollowUp);
        Assert.Equal(AnswerKind.Catalog, turns[1].Answer.Kind);
        Assert.NotEmpty(cited);
        Assert.All(cited, r => Assert.Contains(r, turns[1].Answer.References.Select(c => c.Ref)));
        // The topic stays the first question's: "and for ISO?" after "which clause is that?" is still about it.
        Assert.Equal(turns[0].Topic, turns[1].Topic);
    }

    [Theory]
    [InlineData("show the mapping")]
    [InlineData("how does that map to iso")]
    [InlineData("crosswalk?")]
    public void Mapping_is_the_crosswalk_of_the_previous_answers_references(string followUp)
    {
        var turns = Converse("who does the soc 2 audit", followUp);

        Assert.Equal(FollowUpKind.Mapping, turns[1].FollowUp);
        Assert.Equal(AnswerKind.Crosswalk, turns[1].Answer.Kind);
        var cited = turns[0].Answer.References.Select(r => r.Ref).Where(r => r.StartsWith("SOC2:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(cited);
        Assert.Contains(turns[1].Answer.References, r => cited.Contains(r.Ref)); // the previous answer's criteria, mapped
        Assert.Contains(turns[1].Answer.References, r => r.Ref.StartsWith("ISO27001:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("is soc 2 a certification", "who does that audit?", "soc2-who-performs-the-audit")]
    [InlineData("is soc 2 a certification", "how long does that take?", "soc2-how-long-does-it-take")]
    [InlineData("is soc 2 a certification", "how much does it cost?", "soc2-cost-drivers")]
    [InlineData("what is iso 27001", "how long does that take?", "iso27001-certification-timeline")]
    [InlineData("what is iso 27001", "how much does it cost?", "iso27001-cost-drivers")]
    public void That_and_it_are_read_as_the_previous_topics_framework(string first, string followUp, string expected)
    {
        var turns = Converse(first, followUp);

        Assert.Equal(FollowUpKind.SameFramework, turns[1].FollowUp);
        Assert.Equal(expected, turns[1].Answer.EntryId);
    }

    [Theory]
    [InlineData("what is a soc 2 bridge letter", "who writes it?", "soc2-bridge-letter")]
    [InlineData("what is tisax", "how long is it good for?", "reg-tisax")]
    [InlineData("what is cyber essentials", "how often do we renew it?", "reg-cyber-essentials")]
    [InlineData("what is clause 9.3", "how often should we hold it?", "iso27001-management-review")]
    public void It_is_read_as_what_the_last_question_was_about(string first, string followUp, string expected)
    {
        var turns = Converse(first, followUp);

        Assert.Equal(FollowUpKind.SameFramework, turns[1].FollowUp);
        Assert.Equal(expected, turns[1].Answer.EntryId);
    }

    [Theory]
    [InlineData("how long does iso 27001 certification take", "iso27001-certification-timeline")]
    [InlineData("is soc2 a certification", "soc2-is-not-a-certification")]
    [InlineData("what is CC6.1", null)]
    public void A_question_that_stands_on_its_own_is_not_bent_by_the_topic(string question, string? entry)
    {
        var alone = Answerer.Answer(question);
        var turns = Converse("how much does soc 2 cost", question);

        Assert.Equal(FollowUpKind.None, turns[1].FollowUp);
        Assert.Same(alone, turns[1].Answer);
        Assert.Equal(entry, turns[1].Answer.EntryId);
    }

    [Theory]
    [InlineData("and for ISO?")]
    [InlineData("what about type 1?")]
    [InlineData("which clause is that?")]
    [InlineData("show the mapping")]
    public void A_follow_up_with_nothing_remembered_asks_what_we_are_talking_about(string followUp)
    {
        var turn = Answerer.Answer(followUp, null);

        Assert.Equal(FollowUpKind.NoTopic, turn.FollowUp);
        Assert.Contains("What are we talking about?", turn.Answer.Text, StringComparison.Ordinal);
        Assert.Null(turn.Topic);
    }

    [Theory]
    [InlineData("do we need a pen test for soc 2", "same question for iso 27001", FollowUpKind.OtherFramework, "control-penetration-testing")]
    [InlineData("do we need a pen test for soc 2", "same q for iso", FollowUpKind.OtherFramework, "control-penetration-testing")]
    [InlineData("what happens in the stage 2 audit", "what about the first one?", FollowUpKind.Variant, "iso27001-stage-1-audit")]
    [InlineData("what happens in the iso stage 1 audit", "and the other one?", FollowUpKind.Variant, "iso27001-stage-2-audit")]
    [InlineData("what controls are new in iso 27001:2022", "which ones?", FollowUpKind.Elaborate, "iso27001-new-controls-2022")]
    [InlineData("what's isae 3402", "who signs it?", FollowUpKind.SameFramework, "isae-3402-and-soc1")]
    public void Chat_forms_of_follow_ups_build_on_the_topic(string first, string followUp, FollowUpKind kind, string expected)
    {
        var turns = Converse(first, followUp);

        Assert.Equal(kind, turns[1].FollowUp);
        Assert.Equal(expected, turns[1].Answer.EntryId);
    }

    [Theory]
    [InlineData("soc 2 access reviews, how often", "which annex a control covers that on the iso side", "ISO27001:A.5.18")]
    [InlineData("is there an iso control for data masking", "what's the control id?", "ISO27001:A.8.11")]
    [InlineData("is there an iso control for data masking", "what's the control number", "ISO27001:A.8.11")]
    public void Asking_for_the_number_cites_the_last_answer(string first, string followUp, string reference)
    {
        var turns = Converse(first, followUp);

        Assert.Equal(FollowUpKind.References, turns[1].FollowUp);
        Assert.Equal(reference, turns[1].Answer.References[0].Ref);
    }

    [Fact]
    public void The_iso_mapping_maps_the_last_answer_onto_iso()
    {
        var turns = Converse("vendor risk management for soc 2", "give me the iso mapping");

        Assert.Equal(FollowUpKind.Mapping, turns[1].FollowUp);
        Assert.Equal(AnswerKind.Crosswalk, turns[1].Answer.Kind);
        Assert.Contains(turns[1].Answer.References, r => r.Ref == "ISO27001:A.5.19");
    }

    [Theory]
    [InlineData("which ones?")]
    [InlineData("why?")]
    [InlineData("the second one")]
    public void A_bare_follow_up_with_nothing_remembered_asks_what_we_are_talking_about(string followUp)
    {
        var turn = Answerer.Answer(followUp, null);

        Assert.Equal(FollowUpKind.NoTopic, turn.FollowUp);
        Assert.True(turn.Answer.Abstained);
    }

    [Theory]
    [InlineData("which ones are in scope for a startup of 10 people")]
    [InlineData("why do auditors ask for a bridge letter")]
    [InlineData("the second stage audit: what happens")]
    public void A_question_that_says_what_it_is_about_is_not_a_bare_follow_up(string question) =>
        Assert.Equal(FollowUpKind.None, Answerer.Answer(question, Converse("what is iso 27001")[0].Topic).FollowUp);

    [Fact]
    public void That_with_nothing_remembered_gets_the_normal_answer()
    {
        var turn = Answerer.Answer("how long does that take?", null);

        Assert.Equal(FollowUpKind.None, turn.FollowUp);
        Assert.Same(Answerer.Answer("how long does that take?"), turn.Answer);
    }

    [Fact]
    public void An_abstained_answer_leaves_nothing_to_remember()
    {
        var turn = Answerer.Answer("what's the weather in Lisbon tomorrow", null);

        Assert.True(turn.Answer.Abstained);
        Assert.Null(turn.Topic);
    }

    [Fact]
    public void Hostile_topics_and_follow_ups_never_throw_and_never_bend_a_long_question()
    {
        var topic = new ConversationTopic(new string('x', 5000), "no-such-entry", ["SOC2:ZZ9.9", "<script>", new string('A', 300)]);
        var stored = topic.Serialize();

        Assert.True(stored.Length <= ConversationTopic.MaximumStoredLength);
        Assert.NotNull(ConversationTopic.Parse(stored));
        Assert.Null(ConversationTopic.Parse("{not json"));
        Assert.Null(ConversationTopic.Parse("""{"subject":""}"""));
        Assert.Null(ConversationTopic.Parse(new string('[', 3000)));
        Assert.Null(ConversationTopic.Parse(null));
        foreach (var followUp in new[] { "and for ISO?", "what about type 2?", "which clause is that?", "show the mapping", "how long does that take?" })
        {
            Assert.NotNull(Answerer.Answer(followUp, topic).Answer.Text);
        }

        var longQuestion = "and for ISO? " + new string('y', 10_000);
        Assert.Equal(FollowUpKind.None, Answerer.Answer(longQuestion, topic).FollowUp);
        Assert.False(QuestionAnswerer.MayFollowUp(longQuestion));
    }
}
