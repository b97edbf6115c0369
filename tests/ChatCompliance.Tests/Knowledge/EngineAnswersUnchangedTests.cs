using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// Pins what the engine answers to every question of tests/eval (held-out set included, follow-up conversations turn by
/// turn): kind, entry, confidence and a hash of the text, recorded in tests/eval/engine-answers.tsv. A speed-up of the
/// analysis or the index must leave every line as it is. A deliberate change of answers (new entries, tuning) rewrites
/// the file: run this test with CHATCOMPLIANCE_RECORD_ANSWERS=1 and review the diff.
/// </summary>
public sealed class EngineAnswersUnchangedTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    private const string RecordVariable = "CHATCOMPLIANCE_RECORD_ANSWERS";

    private static string RecordFile => Path.Combine(KnowledgeFixture.EvalFolder, "engine-answers.tsv");

    private sealed record EvalItem(string Id, string? Question, string[]? Turns);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    [Fact]
    public void Every_evaluation_question_gets_the_recorded_answer()
    {
        // Its own answerer, nothing remembered: every answer is analysed afresh.
        var answerer = new QuestionAnswerer(fixture.KnowledgeBase, rememberedAnswers: 0);
        var lines = Record(answerer);
        if (Environment.GetEnvironmentVariable(RecordVariable) == "1")
        {
            File.WriteAllLines(RecordFile, lines);
            return;
        }

        var recorded = File.ReadAllLines(RecordFile);
        var changed = lines.Zip(recorded).Where(p => p.First != p.Second).Select(p => $"now  {p.First}\nwas  {p.Second}").Take(20).ToList();
        Assert.True(changed.Count == 0 && lines.Count == recorded.Length,
            $"{changed.Count} answers differ (of {lines.Count}; {recorded.Length} recorded):\n{string.Join('\n', changed)}");
    }

    private static List<string> Record(QuestionAnswerer answerer)
    {
        var lines = new List<string>();
        // The fresh held-out set is left out: a record of its answers would show whoever tunes the engine what it misses.
        var files = Directory.EnumerateFiles(KnowledgeFixture.EvalFolder, "*.jsonl", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) != "heldout5")
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetRelativePath(KnowledgeFixture.EvalFolder, file).Replace('\\', '/');
            foreach (var line in File.ReadLines(file).Where(l => !string.IsNullOrWhiteSpace(l)))
            {
                var q = JsonSerializer.Deserialize<EvalItem>(line, Json)!;
                ConversationTopic? topic = null;
                var turns = q.Turns ?? [q.Question ?? ""];
                for (var t = 0; t < turns.Length; t++)
                {
                    var result = answerer.Answer(turns[t], topic);
                    topic = result.Topic ?? topic;
                    lines.Add(Line($"{name}#{q.Id}/{t}", result.Answer));
                }

                // The same question without the conversation API, as the single-shot path answers it.
                lines.Add(Line($"{name}#{q.Id}/alone", answerer.Answer(turns[^1])));
            }
        }

        return lines;
    }

    private static string Line(string where, KnowledgeAnswer answer)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(answer.Text)))[..16];
        var references = string.Join(',', answer.References.Select(r => r.Ref));
        var related = string.Join(',', answer.Related.Select(r => r.EntryId));
        return string.Join('\t', where, answer.Kind, answer.EntryId ?? "-", answer.Confidence.ToString("R", CultureInfo.InvariantCulture), hash, references, related);
    }
}
