using System.Diagnostics;
using System.Globalization;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// Per-question latency percentiles, which BenchmarkDotNet's per-iteration statistics do not give:
/// every evaluation question is answered <c>rounds</c> times after a warm-up, each call timed alone. Nothing is
/// remembered (<c>rememberedAnswers: 0</c>): every call analyses its question, as a question new to the engine is.
/// </summary>
internal static class LatencyRun
{
    public static void Run(int rounds, bool realOnly = false)
    {
        var real = KnowledgeSets.Real();
        var questions = KnowledgeSets.Questions();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {questions.Length} questions x {rounds} rounds");
        Measure("real", real, questions, rounds);
        MeasureAnalysis(questions, rounds);
        if (realOnly)
        {
            return;
        }

        Measure("50,000 entries", KnowledgeSets.Synthetic(real, 50_000), questions, rounds);
    }

    private static void Measure(string name, KnowledgeBase kb, string[] questions, int rounds)
    {
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var build = Stopwatch.StartNew();
        var answerer = new QuestionAnswerer(kb, rememberedAnswers: 0);
        build.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);

        for (var warm = 0; warm < 5; warm++)
        {
            foreach (var q in questions)
            {
                answerer.Answer(q);
            }
        }

        var samples = new double[questions.Length * rounds];
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var collectionsBefore = GC.CollectionCount(0);
        var total = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < questions.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                answerer.Answer(questions[i]);
                samples[r * questions.Length + i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        total.Stop();
        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)samples.Length;
        var collections = GC.CollectionCount(0) - collectionsBefore;
        Array.Sort(samples);
        double P(double p) => samples[(int)Math.Min(samples.Length - 1, Math.Ceiling(p * samples.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {kb.Entries.Count} entries; index built in {build.Elapsed.TotalMilliseconds:0} ms, {(after - before) / 1048576.0:0.0} MiB; " +
            $"mean {total.Elapsed.TotalMilliseconds * 1000 / samples.Length:0.0} µs, p50 {P(0.50) * 1000:0.0} µs, p99 {P(0.99) * 1000:0.0} µs, max {samples[^1]:0.000} ms; " +
            $"{samples.Length / total.Elapsed.TotalSeconds:0} questions/s on one thread; {allocated:0} B allocated per answer, {collections} gen0 collections"));
    }

    /// <summary>The analysis alone (normalisation, shorthand, stop words, stems): its share of answering a question.</summary>
    private static void MeasureAnalysis(string[] questions, int rounds)
    {
        var terms = 0;
        for (var warm = 0; warm < 5; warm++)
        {
            foreach (var q in questions)
            {
                terms += TextAnalyzer.Terms(q).Count;
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            foreach (var q in questions)
            {
                terms += TextAnalyzer.Terms(q).Count;
            }
        }

        total.Stop();
        var calls = (double)questions.Length * rounds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"analysis alone (TextAnalyzer.Terms): {total.Elapsed.TotalMicroseconds / calls:0.00} µs and {(GC.GetAllocatedBytesForCurrentThread() - before) / calls:0} bytes per question ({terms} terms)"));
    }
}
