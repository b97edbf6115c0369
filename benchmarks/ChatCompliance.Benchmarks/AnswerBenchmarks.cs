using BenchmarkDotNet.Attributes;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Benchmarks;

/// <summary>Answering one chat question in process, on the real base and on 50,000 entries; and building the index.</summary>
[MemoryDiagnoser]
public class AnswerBenchmarks
{
    private string[] _questions = [];
    private KnowledgeBase _base = null!;
    private QuestionAnswerer _answerer = null!;
    private int _next;

    [Params(0, 50_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var real = KnowledgeSets.Real();
        _base = Entries == 0 ? real : KnowledgeSets.Synthetic(real, Entries);
        _answerer = new QuestionAnswerer(_base);
        _questions = KnowledgeSets.Questions();
    }

    /// <summary>One question per call, cycling through the evaluation set.</summary>
    [Benchmark]
    public KnowledgeAnswer Answer() => _answerer.Answer(_questions[_next++ % _questions.Length]);

    [Benchmark]
    public QuestionAnswerer BuildIndex() => new(_base);
}
