using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Core.Knowledge;

/// <summary>Where the knowledge base lives and when the engine abstains.</summary>
public sealed class KnowledgeOptions
{
    public const string SectionName = "Knowledge";

    /// <summary>The <c>knowledge/</c> folder; empty: the nearest one above the content root, else the one beside the program.</summary>
    public string? Path { get; set; }

    /// <summary>Confidence below which the bot says it does not know.</summary>
    public double AbstainBelow { get; set; } = QuestionAnswerer.DefaultAbstainBelow;

    /// <summary>Answers remembered by question text, so a question asked again is not analysed again (0: none).</summary>
    [Range(0, 1_000_000)]
    public int RememberedAnswers { get; set; } = QuestionAnswerer.DefaultRememberedAnswers;

    /// <summary>How long the topic of a person's last answer in a thread is remembered for a follow-up ("and for ISO?").</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FollowUpWindow { get; set; } = DefaultFollowUpWindow;

    public static readonly TimeSpan DefaultFollowUpWindow = TimeSpan.FromMinutes(10);

    /// <summary>Finds the knowledge folder: the configured path, else the nearest <c>knowledge/</c> above any of <paramref name="startFolders"/>.</summary>
    public string Resolve(params string[] startFolders)
    {
        if (!string.IsNullOrWhiteSpace(Path))
        {
            return System.IO.Path.GetFullPath(Path);
        }

        foreach (var start in startFolders)
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = System.IO.Path.Combine(folder.FullName, "knowledge");
                if (Directory.Exists(System.IO.Path.Combine(candidate, "entries")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"No knowledge/ folder found above {string.Join(" or ", startFolders)}; set {SectionName}:Path.");
    }
}
