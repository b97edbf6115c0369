using System.Globalization;
using System.Text.Json;
using ChatCompliance.Core.Knowledge;
using Lucene.Net.Analysis.En;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// Which ranker answers better: top-1 accuracy on the evaluation set's entry questions for Lucene.Net
/// (EnglishAnalyzer, BM25, phrasings/title/answer fields with the same boosts as ours) and for our engine.
/// </summary>
internal static class RankerComparison
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;

    public static void Run()
    {
        var kb = KnowledgeSets.Real();
        var questions = System.IO.Directory.EnumerateFiles(Path.Combine(KnowledgeSets.RepositoryRoot(), "tests", "eval"), "answerable-*.jsonl")
            .SelectMany(File.ReadLines).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (Question: e.GetProperty("question").GetString()!, Expect: e.GetProperty("expect").EnumerateArray().Select(x => x.GetString()!).ToHashSet()))
            .ToList();

        using var analyzer = new EnglishAnalyzer(Version);
        using var directory = new RAMDirectory();
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(Version, analyzer) { Similarity = new BM25Similarity() }))
        {
            foreach (var entry in kb.Entries)
            {
                writer.AddDocument(new Document
                {
                    new StringField("id", entry.Id, Field.Store.YES),
                    new TextField("questions", string.Join('\n', entry.Questions), Field.Store.NO),
                    new TextField("title", entry.Title, Field.Store.NO),
                    new TextField("answer", entry.AnswerText, Field.Store.NO),
                });
            }
        }

        using var reader = DirectoryReader.Open(directory);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var ours = new QuestionAnswerer(kb);
        int lucene = 0, engine = 0, engineAnswered = 0;
        foreach (var (question, expect) in questions)
        {
            var query = new BooleanQuery();
            foreach (var term in Analyse(analyzer, question))
            {
                query.Add(new TermQuery(new Term("questions", term)) { Boost = 2f }, Occur.SHOULD);
                query.Add(new TermQuery(new Term("title", term)) { Boost = 2f }, Occur.SHOULD);
                query.Add(new TermQuery(new Term("answer", term)) { Boost = 1f }, Occur.SHOULD);
            }

            var top = searcher.Search(query, 1).ScoreDocs;
            if (top.Length > 0 && expect.Contains(searcher.Doc(top[0].Doc).Get("id", CultureInfo.InvariantCulture)))
            {
                lucene++;
            }

            var answer = ours.Answer(question);
            var guess = answer.EntryId ?? (answer.Related.Count > 0 ? answer.Related[0].EntryId : null);
            engine += guess is not null && expect.Contains(guess) ? 1 : 0;
            engineAnswered += !answer.Abstained && answer.EntryId is not null && expect.Contains(answer.EntryId) ? 1 : 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{questions.Count} entry questions; top-1 right: Lucene.Net BM25 {lucene} ({100.0 * lucene / questions.Count:0.0}%), " +
            $"ours {engine} ({100.0 * engine / questions.Count:0.0}%); ours answered right after abstention {engineAnswered}"));
    }

    private static List<string> Analyse(EnglishAnalyzer analyzer, string text)
    {
        var terms = new List<string>();
        using var stream = analyzer.GetTokenStream("questions", text);
        var attribute = stream.AddAttribute<Lucene.Net.Analysis.TokenAttributes.ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(attribute.ToString());
        }

        stream.End();
        return terms;
    }
}
