using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>The repository's real knowledge base, loaded once for all knowledge tests.</summary>
public sealed class KnowledgeFixture
{
    public KnowledgeFixture()
    {
        Folder = Path.Combine(RepositoryRoot, "knowledge");
        (KnowledgeBase, Problems) = KnowledgeBase.Load(Folder);
        Answerer = new QuestionAnswerer(KnowledgeBase);
    }

    public string Folder { get; }

    public KnowledgeBase KnowledgeBase { get; }

    public IReadOnlyList<KnowledgeProblem> Problems { get; }

    public QuestionAnswerer Answerer { get; }

    /// <summary>The repository's source tree, not the copies in the build output.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "ChatCompliance.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new DirectoryNotFoundException("ChatCompliance.sln not found above the test assembly");
        }
    }

    /// <summary>The evaluation set under tests/eval/.</summary>
    public static string EvalFolder => Path.Combine(RepositoryRoot, "tests", "eval");

    /// <summary>
    /// The first held-out set under tests/eval/heldout/: untouched until round 3 of issue 17, a development set since.
    /// A subfolder, so the tests that read only tests/eval/*.jsonl do not see it.
    /// </summary>
    public static string HeldOutFolder => Path.Combine(EvalFolder, "heldout");
}
