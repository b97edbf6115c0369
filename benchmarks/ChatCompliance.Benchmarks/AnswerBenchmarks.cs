using BenchmarkDotNet.Attributes;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Benchmarks;

/// <summary>Answering one chat question in process, on the real base and on 50,000 entries, nothing remembered.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class AnswerBenchmarks
{
    private string[] _questions = [];
    private QuestionAnswerer _answerer = null!;
    private int _next;

    [Params(0, 50_000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var real = KnowledgeSets.Real();
        _answerer = new QuestionAnswerer(Entries == 0 ? real : KnowledgeSets.Synthetic(real, Entries), rememberedAnswers: 0);
        _questions = KnowledgeSets.Questions();
    }

    /// <summary>One question per call, cycling through the evaluation set.</summary>
    [Benchmark]
    public KnowledgeAnswer Answer() => _answerer.Answer(_questions[_next++ % _questions.Length]);
}

/// <summary>Loading and indexing the real knowledge base, as the host does at start.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class IndexBenchmarks
{
    private KnowledgeBase _base = null!;

    [GlobalSetup]
    public void Setup() => _base = KnowledgeSets.Real();

    [Benchmark]
    public QuestionAnswerer BuildIndex() => new(_base);

    [Benchmark]
    public KnowledgeBase LoadAndCheck() => KnowledgeSets.Real();
}
