using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>A question of an evaluation set in conversation form (tests/eval/heldout, tests/eval/dev2): one question, or the turns of a follow-up.</summary>
public sealed record EvaluationQuestion(string Id, string? Question, string[]? Turns, string[]? Expect, string[]? ExpectRefs)
{
    public string File { get; init; } = "";

    public bool Answerable => Expect is not null || ExpectRefs is not null;

    /// <summary>What the user types, in order; a single question is a one-turn conversation.</summary>
    public string[] Conversation => Turns ?? (Question is null ? [] : [Question]);
}

/// <summary>A question, the answer to its last turn, and whether that is right.</summary>
public sealed record ScoredQuestion(EvaluationQuestion Question, KnowledgeAnswer Answer, bool Right);

/// <summary>
/// Loads and scores the conversation-form evaluation sets: an answerable question counts when the answer to its last
/// turn comes from an expected entry or cites an expected reference; an out-of-scope one when the engine abstains.
/// </summary>
public static class ConversationEvaluation
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static List<EvaluationQuestion> Load(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(file => File.ReadLines(file)
                .Where(l => !string.IsNullOrWhiteSpace(l))
                .Select(l => JsonSerializer.Deserialize<EvaluationQuestion>(l, Json)! with { File = Path.GetFileName(file) }))];

    /// <summary>Answers a conversation as the chat does (each turn with the topic the one before left) and returns the last answer.</summary>
    public static KnowledgeAnswer AnswerConversation(QuestionAnswerer answerer, IReadOnlyList<string> turns)
    {
        ConversationTopic? topic = null;
        KnowledgeAnswer answer = null!;
        foreach (var turn in turns)
        {
            var result = answerer.Answer(turn, topic);
            (answer, topic) = (result.Answer, result.Topic ?? topic);
        }

        return answer;
    }

    public static List<ScoredQuestion> Score(QuestionAnswerer answerer, IEnumerable<EvaluationQuestion> questions) =>
        [.. questions.Select(q =>
        {
            var answer = AnswerConversation(answerer, q.Conversation);
            var right = q.Answerable
                ? !answer.Abstained
                    && ((q.Expect ?? []).Contains(answer.EntryId) || (q.ExpectRefs ?? []).Any(r => answer.References.Any(c => c.Ref == r)))
                : answer.Abstained;
            return new ScoredQuestion(q, answer, right);
        })];

    public static double ShareRight(IReadOnlyCollection<ScoredQuestion> scored) => scored.Count == 0 ? 0 : (double)scored.Count(s => s.Right) / scored.Count;

    public static string Share(IReadOnlyCollection<ScoredQuestion> scored) =>
        scored.Count == 0 ? "none" : $"{scored.Count(s => s.Right)}/{scored.Count} = {ShareRight(scored):P1}";

    /// <summary>One line per wrong answer: what came back, what was wanted, and the conversation.</summary>
    public static string Misses(IEnumerable<ScoredQuestion> scored, Func<EvaluationQuestion, string>? tag = null)
    {
        var misses = new StringBuilder();
        foreach (var s in scored.Where(s => !s.Right))
        {
            var a = s.Answer;
            var got = a.Abstained
                ? $"abstained (best guess {(a.Related.Count > 0 ? a.Related[0].EntryId : "none")})"
                : a.EntryId ?? string.Join(",", a.References.Take(2).Select(r => r.Ref));
            var want = s.Question.Answerable ? string.Join(",", (s.Question.Expect ?? []).Concat(s.Question.ExpectRefs ?? [])) : "abstain";
            misses.AppendLine($"{s.Question.Id}{tag?.Invoke(s.Question)} conf={a.Confidence:0.00} got={got} want={want} :: {string.Join(" | ", s.Question.Conversation)}");
        }

        return misses.ToString();
    }

    /// <summary>Checks a set's shape: enough questions, unique ids, real entries and references.</summary>
    public static void AssertWellFormed(List<EvaluationQuestion> questions, KnowledgeBase kb, int minimum, int outOfScope, int followUps)
    {
        Assert.True(questions.Count >= minimum, $"at least {minimum} questions, found {questions.Count}");
        Assert.True(questions.Count(q => !q.Answerable) >= outOfScope, $"at least {outOfScope} out-of-scope questions");
        Assert.True(questions.Count(q => q.Turns is not null) >= followUps, $"at least {followUps} follow-up conversations");
        Assert.Equal(questions.Count, questions.Select(q => q.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var q in questions)
        {
            Assert.True(q.Conversation.Length > 0 && q.Conversation.All(t => !string.IsNullOrWhiteSpace(t)), $"{q.Id}: no question");
            Assert.True(q.Turns is null || (q.Question is null && q.Turns.Length >= 2), $"{q.Id}: a follow-up has two or more turns and no question");
            Assert.True(q.Expect is null || q.Expect.Length > 0, $"{q.Id}: an empty expect would read as answerable with nothing right");
            Assert.All(q.Expect ?? [], id => Assert.True(kb.ById.ContainsKey(id), $"{q.Id}: no entry {id}"));
            Assert.All(q.ExpectRefs ?? [], r => Assert.True(kb.Catalog.Contains(r), $"{q.Id}: no reference {r}"));
        }
    }
}
