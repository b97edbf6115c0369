using System.Text.Json;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Benchmarks;

/// <summary>The real knowledge base, a synthetic one of any size built from its vocabulary, and chat-style questions.</summary>
internal static class KnowledgeSets
{
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ChatCompliance.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException("run the benchmarks from inside the repository");
    }

    public static KnowledgeBase Real() => KnowledgeBase.Load(Path.Combine(RepositoryRoot(), "knowledge")).KnowledgeBase;

    /// <summary>The evaluation questions (answerable and out of scope) as people type them.</summary>
    public static string[] Questions() =>
        [.. Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "tests", "eval"), "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("question").GetString()!)];

    /// <summary>
    /// The real entries plus synthetic ones up to <paramref name="size"/>: titles, phrasings and answers drawn
    /// from the real base's vocabulary with its word frequencies, and real catalog references.
    /// </summary>
    public static KnowledgeBase Synthetic(KnowledgeBase real, int size, int seed = 42)
    {
        var random = new Random(seed);
        var words = real.Entries.SelectMany(e => e.Questions.Append(e.Title).Append(e.AnswerText))
            .SelectMany(t => t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(w => w.Trim('.', ',', ';', ':', '?', '!', '(', ')', '"', '*').ToLowerInvariant())
            .Where(w => w.Length > 2)
            .ToArray();
        var refs = real.Catalog.Items.Select(i => i.Ref).ToArray();
        var entries = new List<KnowledgeEntry>(size);
        entries.AddRange(real.Entries);
        for (var i = entries.Count; i < size; i++)
        {
            string Sentence(int length) => string.Join(' ', Enumerable.Range(0, length).Select(_ => words[random.Next(words.Length)]));
            var answer = Sentence(80);
            entries.Add(new KnowledgeEntry(
                $"synthetic-{i}", Sentence(6), [.. Enumerable.Range(0, 6).Select(_ => Sentence(8))],
                [refs[random.Next(refs.Length)]], [new Source("Synthetic", "https://example.com/")], "benchmark",
                new DateOnly(2026, 11, 28), [], answer) { AnswerText = answer });
        }

        return new KnowledgeBase(entries, real.Catalog);
    }
}
