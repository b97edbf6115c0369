using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Knowledge;
using Xunit.Abstractions;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Scores the engine on tests/eval/heldout: chat-style questions written from entry ids and titles only, never
/// used to tune thresholds, so unlike tests/eval it does not flatter the engine. Same scoring rule as
/// <see cref="EvaluationTests"/>; follow-up conversations are scored on their last turn.
/// </summary>
public sealed class HeldOutEvaluationTests(KnowledgeFixture fixture, ITestOutputHelper output) : IClassFixture<KnowledgeFixture>
{
    /// <summary>The second-edition entries (issue 17): the set's questions on them are reported apart.</summary>
    public static readonly string[] SecondEditionEntryIds =
    [
        "soc1-what-is-it", "isae-3402-and-soc1", "isae-3000-and-soc2", "soc-suite-overview", "soc-for-cybersecurity",
        "soc-for-supply-chain", "compliant-vs-certified", "iso27001-certification-mark-use", "soc-logo-use",
        "choosing-a-soc2-auditor", "switching-soc2-auditor", "choosing-a-certification-body",
        "iso27001-certificate-transfer", "iso27001-minimum-viable-isms", "iso27001-small-company-effort",
        "iso42001-what-is-it", "iso42001-vs-iso27001", "ai-in-soc2-and-iso27001-scope",
        "security-questionnaires-with-reports", "sharing-soa-and-certificate-with-customers",
        "soc2-incident-during-audit-period", "iso27001-incident-during-certification", "iso27001-multi-site-sampling",
        "remote-audits", "iso27001-fully-remote-company", "individual-credentials-vs-org-certification",
        "iso27001-lead-auditor-vs-lead-implementer", "who-can-sign-a-soc2-report", "reg-cmmc", "reg-bsi-c5",
        "reg-ens-spain", "reg-irap", "reg-ismap", "reg-tisax", "reg-cyber-essentials", "reg-regional-schemes-overview",
        "integrated-management-systems", "iso27001-with-iso9001", "iso27001-with-iso22301",
        "compliance-automation-platforms", "compliance-automation-limits",
    ];

    private static readonly HashSet<string> SecondEdition = new(SecondEditionEntryIds, StringComparer.Ordinal);

    // Floors pin what we have, measured, rounded down, minus 2, so the set guards against regressions without
    // pretending we are there. First edition engine, before the second edition: answerable 172/268 = 64.2%, out of
    // scope 41/44 = 93.2%. Second edition (entries, crosswalk, engine, follow-ups): answerable 232/268 = 86.6%
    // (179/197 = 90.9% on first-edition topics), out of scope 41/44 = 93.2%. Targets: 95% answerable, 100% abstention.
    private const double AnswerableFloor = 0.84;
    private const double OutOfScopeFloor = 0.91;
    private const double AnswerableTarget = 0.95;
    private const double OutOfScopeTarget = 1.00;

    private sealed record HeldOutQuestion(string Id, string? Question, string[]? Turns, string[]? Expect, string[]? ExpectRefs)
    {
        public string File { get; init; } = "";

        public bool Answerable => Expect is not null || ExpectRefs is not null;

        /// <summary>What the user types, in order; a single question is a one-turn conversation.</summary>
        public string[] Conversation => Turns ?? (Question is null ? [] : [Question]);

        /// <summary>True when only second-edition entries answer it.</summary>
        public bool OnNewTopic => ExpectRefs is null && Expect is { Length: > 0 } && Expect.All(SecondEdition.Contains);
    }

    private sealed record Scored(HeldOutQuestion Question, KnowledgeAnswer Answer, bool Right);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static List<HeldOutQuestion> Load() =>
        [.. Directory.EnumerateFiles(KnowledgeFixture.HeldOutFolder, "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(file => File.ReadLines(file)
                .Where(l => !string.IsNullOrWhiteSpace(l))
                .Select(l => JsonSerializer.Deserialize<HeldOutQuestion>(l, Json)! with { File = Path.GetFileName(file) }))];

    /// <summary>
    /// Answers a conversation and returns the answer to its last turn. The engine has no follow-up memory yet, so for
    /// now this answers the last turn on its own; the follow-up work changes only this method.
    /// </summary>
    private static KnowledgeAnswer AnswerConversation(QuestionAnswerer a, IReadOnlyList<string> turns)
    {
        // As the chat does: each turn is answered with the topic the one before left (follow-up memory).
        ConversationTopic? topic = null;
        KnowledgeAnswer answer = null!;
        foreach (var turn in turns)
        {
            var result = a.Answer(turn, topic);
            (answer, topic) = (result.Answer, result.Topic ?? topic);
        }

        return answer;
    }

    private List<Scored> Score(IEnumerable<HeldOutQuestion> questions) =>
        [.. questions.Select(q =>
        {
            var answer = AnswerConversation(fixture.Answerer, q.Conversation);
            var right = q.Answerable
                ? !answer.Abstained
                    && ((q.Expect ?? []).Contains(answer.EntryId) || (q.ExpectRefs ?? []).Any(r => answer.References.Any(c => c.Ref == r)))
                : answer.Abstained;
            return new Scored(q, answer, right);
        })];

    private static string Share(IReadOnlyCollection<Scored> scored) =>
        scored.Count == 0 ? "none" : $"{scored.Count(s => s.Right)}/{scored.Count} = {(double)scored.Count(s => s.Right) / scored.Count:P1}";

    [Fact]
    public void The_held_out_set_is_big_enough_and_names_real_entries_and_references()
    {
        var questions = Load();
        Assert.True(questions.Count >= 200, $"at least 200 questions, found {questions.Count}");
        Assert.True(questions.Count(q => !q.Answerable) >= 40, "at least 40 out-of-scope questions");
        Assert.True(questions.Count(q => q.Turns is not null) >= 20, "at least 20 follow-up conversations");
        Assert.Equal(questions.Count, questions.Select(q => q.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var q in questions)
        {
            Assert.True(q.Conversation.Length > 0 && q.Conversation.All(t => !string.IsNullOrWhiteSpace(t)), $"{q.Id}: no question");
            Assert.True(q.Turns is null || (q.Question is null && q.Turns.Length >= 2), $"{q.Id}: a follow-up has two or more turns and no question");
            Assert.True(q.Expect is null || q.Expect.Length > 0, $"{q.Id}: an empty expect would read as answerable with nothing right");
            Assert.All(q.Expect ?? [], id => Assert.True(
                fixture.KnowledgeBase.ById.ContainsKey(id), $"{q.Id}: no entry {id}"));
            Assert.All(q.ExpectRefs ?? [], r => Assert.True(fixture.KnowledgeBase.Catalog.Contains(r), $"{q.Id}: no reference {r}"));
        }
    }

    [Fact]
    public void Answerable_held_out_questions_get_the_right_entry_or_reference()
    {
        var scored = Score(Load().Where(q => q.Answerable));
        var misses = new StringBuilder();
        foreach (var s in scored.Where(s => !s.Right))
        {
            var a = s.Answer;
            var got = a.Abstained
                ? $"abstained (best guess {(a.Related.Count > 0 ? a.Related[0].EntryId : "none")})"
                : a.EntryId ?? string.Join(",", a.References.Take(2).Select(r => r.Ref));
            var want = string.Join(",", (s.Question.Expect ?? []).Concat(s.Question.ExpectRefs ?? []));
            misses.AppendLine($"{s.Question.Id}{(s.Question.OnNewTopic ? " [new topic]" : "")} conf={a.Confidence:0.00} got={got} want={want} :: {string.Join(" | ", s.Question.Conversation)}");
        }

        var share = (double)scored.Count(s => s.Right) / scored.Count;
        output.WriteLine($"answerable: {Share(scored)}");
        output.WriteLine($"answerable on first-edition topics: {Share([.. scored.Where(s => !s.Question.OnNewTopic)])}");
        output.WriteLine($"on second-edition topics: {Share([.. scored.Where(s => s.Question.OnNewTopic)])}");
        foreach (var file in scored.GroupBy(s => s.Question.File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {file.Key}: {Share([.. file])}");
        }

        output.WriteLine(misses.ToString());
        Assert.True(share >= AnswerableFloor,
            $"{Share(scored)} right, below the floor {AnswerableFloor:P0} (target {AnswerableTarget:P0}); misses:\n{misses}");
    }

    [Fact]
    public void Out_of_scope_held_out_questions_abstain()
    {
        var scored = Score(Load().Where(q => !q.Answerable));
        var answered = scored.Where(s => !s.Right).ToList();
        var share = (double)scored.Count(s => s.Right) / scored.Count;
        var report = string.Join('\n', answered.Select(s => $"{s.Question.Id} conf={s.Answer.Confidence:0.00} got={s.Answer.EntryId ?? s.Answer.Title} :: {string.Join(" | ", s.Question.Conversation)}"));
        output.WriteLine($"out of scope abstained: {Share(scored)}\n{report}");
        Assert.True(share >= OutOfScopeFloor,
            $"{Share(scored)} abstained, below the floor {OutOfScopeFloor:P0} (target {OutOfScopeTarget:P0}); answered:\n{report}");
    }
}
