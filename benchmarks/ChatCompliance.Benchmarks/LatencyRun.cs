using System.Diagnostics;
using System.Globalization;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// Per-question latency percentiles, which BenchmarkDotNet's per-iteration statistics do not give:
/// every evaluation question is answered <c>rounds</c> times after a warm-up, each call timed alone.
/// </summary>
internal static class LatencyRun
{
    public static void Run(int rounds)
    {
        var real = KnowledgeSets.Real();
        var questions = KnowledgeSets.Questions();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; {questions.Length} questions x {rounds} rounds");
        Measure("real", real, questions, rounds);
        Measure("50,000 entries", KnowledgeSets.Synthetic(real, 50_000), questions, rounds);
    }

    private static void Measure(string name, KnowledgeBase kb, string[] questions, int rounds)
    {
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var build = Stopwatch.StartNew();
        var answerer = new QuestionAnswerer(kb);
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
        Array.Sort(samples);
        double P(double p) => samples[(int)Math.Min(samples.Length - 1, Math.Ceiling(p * samples.Length) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: {kb.Entries.Count} entries; index built in {build.Elapsed.TotalMilliseconds:0} ms, {(after - before) / 1048576.0:0.0} MiB; " +
            $"p50 {P(0.50):0.000} ms, p99 {P(0.99):0.000} ms, max {samples[^1]:0.000} ms; {samples.Length / total.Elapsed.TotalSeconds:0} questions/s on one thread"));
    }
}
