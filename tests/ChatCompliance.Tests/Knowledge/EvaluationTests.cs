using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Knowledge;
using Xunit.Abstractions;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Scores the engine on tests/eval: questions written the way people type in chat. An answerable question
/// counts when the answer comes from an expected entry or cites an expected reference; an out-of-scope one
/// counts when the engine abstains.
/// </summary>
public sealed class EvaluationTests(KnowledgeFixture fixture, ITestOutputHelper output) : IClassFixture<KnowledgeFixture>
{
    private sealed record EvalQuestion(string Id, string Question, string[]? Expect, string[]? ExpectRefs)
    {
        /// <summary>The file it came from, so each set's score can be read apart.</summary>
        public string File { get; set; } = "";

        public bool Answerable => Expect is not null || ExpectRefs is not null;
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static List<EvalQuestion> Load() =>
        [.. Directory.EnumerateFiles(KnowledgeFixture.EvalFolder, "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(f => File.ReadLines(f).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => JsonSerializer.Deserialize<EvalQuestion>(l, Json)! with { File = Path.GetFileName(f) }))];

    [Fact]
    public void The_evaluation_set_is_big_enough_and_names_real_entries_and_references()
    {
        var questions = Load();
        Assert.True(questions.Count(q => q.Answerable) >= 250, "at least 250 answerable questions");
        Assert.True(questions.Count(q => !q.Answerable) >= 30, "at least 30 out-of-scope questions");
        Assert.Equal(questions.Count, questions.Select(q => q.Id).Distinct().Count());
        foreach (var q in questions)
        {
            Assert.All(q.Expect ?? [], id => Assert.True(fixture.KnowledgeBase.ById.ContainsKey(id), $"{q.Id}: no entry {id}"));
            Assert.All(q.ExpectRefs ?? [], r => Assert.True(fixture.KnowledgeBase.Catalog.Contains(r), $"{q.Id}: no reference {r}"));
        }
    }

    [Fact]
    public void At_least_90_percent_of_answerable_questions_get_the_right_entry_or_reference()
    {
        var answerable = Load().Where(q => q.Answerable).ToList();
        var misses = new StringBuilder();
        var right = 0;
        var byFile = new Dictionary<string, (int Right, int All)>(StringComparer.Ordinal);
        foreach (var q in answerable)
        {
            var answer = fixture.Answerer.Answer(q.Question);
            var good = !answer.Abstained
                && ((q.Expect ?? []).Contains(answer.EntryId) || (q.ExpectRefs ?? []).Any(r => answer.References.Any(c => c.Ref == r)));
            var (fileRight, fileAll) = byFile.GetValueOrDefault(q.File);
            byFile[q.File] = (fileRight + (good ? 1 : 0), fileAll + 1);
            if (good)
            {
                right++;
            }
            else
            {
                var got = answer.Abstained ? $"abstained (best guess {(answer.Related.Count > 0 ? answer.Related[0].EntryId : "none")})" : answer.EntryId ?? string.Join(",", answer.References.Take(2).Select(r => r.Ref));
                misses.AppendLine($"{q.Id} conf={answer.Confidence:0.00} got={got} want={string.Join(",", q.Expect ?? q.ExpectRefs ?? [])} :: {q.Question}");
            }
        }

        var share = (double)right / answerable.Count;
        output.WriteLine($"answerable: {right}/{answerable.Count} = {share:P1}");
        foreach (var (file, (fileRight, fileAll)) in byFile.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {file}: {fileRight}/{fileAll} = {(double)fileRight / fileAll:P1}");
        }

        output.WriteLine(misses.ToString());
        Assert.True(share >= 0.90, $"{right}/{answerable.Count} = {share:P1} right; misses:\n{misses}");
    }

    [Fact]
    public void At_least_95_percent_of_out_of_scope_questions_abstain()
    {
        var outOfScope = Load().Where(q => !q.Answerable).ToList();
        var answered = outOfScope.Select(q => (q, a: fixture.Answerer.Answer(q.Question))).Where(x => !x.a.Abstained).ToList();
        var share = 1 - (double)answered.Count / outOfScope.Count;
        var report = string.Join('\n', answered.Select(x => $"{x.q.Id} conf={x.a.Confidence:0.00} got={x.a.EntryId ?? x.a.Title} :: {x.q.Question}"));
        output.WriteLine($"out of scope abstained: {outOfScope.Count - answered.Count}/{outOfScope.Count} = {share:P1}");
        foreach (var file in outOfScope.GroupBy(q => q.File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {file.Key}: {file.Count(q => !answered.Any(a => a.q == q))}/{file.Count()} abstained");
        }

        output.WriteLine(report);
        Assert.True(share >= 0.95, $"{share:P1} abstained; answered:\n{report}");
    }
}
