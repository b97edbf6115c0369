using Xunit.Abstractions;
using static ChatCompliance.Tests.Knowledge.ConversationEvaluation;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Scores the engine on tests/eval/heldout5: 320 chat-style questions written on 2026-12-08 by someone who saw only the
/// entries' ids, titles, references and bodies (their example phrasings removed) and the catalogs, never the engine, its
/// other evaluation sets or its answers. It was kept unread outside tests/eval while round 5 tuned the engine on
/// tests/eval/heldout4 (now a development set, see <see cref="DevelopmentEvaluationTests"/>), and nobody who changes the
/// engine reads it: this is the score that counts. Same rule as the other sets; follow-ups are scored on their last turn.
/// </summary>
public sealed class FreshHeldOutEvaluationTests(KnowledgeFixture fixture, ITestOutputHelper output) : IClassFixture<KnowledgeFixture>
{
    private static string Folder => Path.Combine(KnowledgeFixture.EvalFolder, "heldout5");

    // Measured once, at the end of round 5: answerable 233/270 = 86.3%, out of scope 44/50 = 88.0%; the engine before
    // round 5 (1c1c074) scored the same on it (see the README). Floors pin what we have (measured, rounded down, minus 2
    // points) so the set guards against regressions without pretending we are there.
    private const double AnswerableFloor = 0.84;
    private const double OutOfScopeFloor = 0.86;
    private const double AnswerableTarget = 0.95;
    private const double OutOfScopeTarget = 1.00;

    [Fact]
    public void The_fresh_held_out_set_is_big_enough_and_names_real_entries_and_references() =>
        AssertWellFormed(Load(Folder), fixture.KnowledgeBase, minimum: 300, outOfScope: 45, followUps: 25);

    [Fact]
    public void Answerable_fresh_held_out_questions_get_the_right_entry_or_reference()
    {
        var scored = Score(fixture.Answerer, Load(Folder).Where(q => q.Answerable));
        output.WriteLine($"answerable: {Share(scored)}");
        foreach (var file in scored.GroupBy(s => s.Question.File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {file.Key}: {Share([.. file])}");
        }

        // The misses are not printed: whoever reads them while changing the engine would be tuning on this set.
        Assert.True(ShareRight(scored) >= AnswerableFloor, $"{Share(scored)} right, below the floor {AnswerableFloor:P0} (target {AnswerableTarget:P0})");
    }

    [Fact]
    public void Out_of_scope_fresh_held_out_questions_abstain()
    {
        var scored = Score(fixture.Answerer, Load(Folder).Where(q => !q.Answerable));
        output.WriteLine($"out of scope abstained: {Share(scored)}");
        Assert.True(ShareRight(scored) >= OutOfScopeFloor, $"{Share(scored)} abstained, below the floor {OutOfScopeFloor:P0} (target {OutOfScopeTarget:P0})");
    }
}
