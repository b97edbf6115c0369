using ChatCompliance.Core.Knowledge;
using Xunit.Abstractions;
using static ChatCompliance.Tests.Knowledge.ConversationEvaluation;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Scores the engine on tests/eval/dev2: the development set the engine's second-edition retrieval, abstention and
/// follow-up work was measured and tuned on (written before the engine was run on it). Tuned on, so its score
/// flatters; since round 3 so does <see cref="HeldOutEvaluationTests"/>'s (a new held-out set is the honest score).
/// </summary>
public sealed class DevelopmentEvaluationTests(KnowledgeFixture fixture, ITestOutputHelper output) : IClassFixture<KnowledgeFixture>
{
    // Measured, rounded down, minus about 2 points. Before the work: answerable 138/159 = 86.8%, out of scope 29/45 = 64.4%;
    // after: answerable 147/159 = 92.5%, out of scope 43/45 = 95.6%; round 3: answerable 150/159 = 94.3%, out of scope 43/45.
    private const double AnswerableFloor = 0.92;
    private const double OutOfScopeFloor = 0.93;

    private static string Folder => Path.Combine(KnowledgeFixture.EvalFolder, "dev2");

    [Fact]
    public void The_development_set_is_big_enough_and_names_real_entries_and_references() =>
        AssertWellFormed(Load(Folder), fixture.KnowledgeBase, minimum: 150, outOfScope: 40, followUps: 20);

    [Fact]
    public void Answerable_development_questions_get_the_right_entry_or_reference()
    {
        var scored = Score(fixture.Answerer, Load(Folder).Where(q => q.Answerable));
        output.WriteLine($"answerable: {Share(scored)}");
        foreach (var file in scored.GroupBy(s => s.Question.File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {file.Key}: {Share([.. file])}");
        }

        var misses = Misses(scored);
        output.WriteLine(misses);
        Assert.True(ShareRight(scored) >= AnswerableFloor, $"{Share(scored)} right, below the floor {AnswerableFloor:P0}; misses:\n{misses}");
    }

    [Fact]
    public void Out_of_scope_development_questions_abstain()
    {
        var scored = Score(fixture.Answerer, Load(Folder).Where(q => !q.Answerable));
        var misses = Misses(scored);
        output.WriteLine($"out of scope abstained: {Share(scored)}\n{misses}");
        Assert.True(ShareRight(scored) >= OutOfScopeFloor, $"{Share(scored)} abstained, below the floor {OutOfScopeFloor:P0}; answered:\n{misses}");
    }
}
