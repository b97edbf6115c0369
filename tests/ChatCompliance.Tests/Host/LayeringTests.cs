using System.Text.RegularExpressions;
using System.Xml.Linq;
using ChatCompliance.Tests.Knowledge;

namespace ChatCompliance.Tests.Host;

/// <summary>
/// The design's rules, read from the tree: project references run one way (core ← integrations ← jobs ← bot), core
/// decides and knows no chat platform or chat formatting (Markdown is written only by the card model in core/Cards), and
/// the bot holds no workflow or job code.
/// </summary>
public sealed partial class LayeringTests
{
    private static string Root => KnowledgeFixture.RepositoryRoot;

    [Theory]
    [InlineData("core/ChatCompliance.Core.csproj", new string[0])]
    [InlineData("integrations/ChatCompliance.Integrations.csproj", new[] { "ChatCompliance.Core" })]
    [InlineData("jobs/ChatCompliance.Jobs.csproj", new[] { "ChatCompliance.Core", "ChatCompliance.Integrations" })]
    public void Project_references_run_one_way(string project, string[] allowed)
    {
        var references = XDocument.Load(Path.Combine(Root, project)).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string)r.Attribute("Include")!).Replace('\\', '/')));
        Assert.All(references, r => Assert.Contains(r, allowed));
    }

    [Fact]
    public void Core_references_no_platform_and_writes_no_chat_markdown_outside_the_card_model()
    {
        var offences = CodeLines("core")
            .Where(l => !l.File.StartsWith("core/Cards/", StringComparison.Ordinal) && !l.File.Contains("/Migrations/", StringComparison.Ordinal))
            .Where(l => l.Text.Contains("**", StringComparison.Ordinal) || l.Text.Contains("CardText.", StringComparison.Ordinal)
                || PlatformNamespace().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Number}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offences.Count == 0, string.Join('\n', offences));
    }

    [Fact]
    public void The_bot_holds_no_workflow_or_job_code()
    {
        var offences = CodeLines("bot")
            .Where(l => l.Text.Contains("EnqueueForPersonAsync", StringComparison.Ordinal) || l.Text.Contains("QueueUpdatesAsync", StringComparison.Ordinal)
                || l.Text.Contains(".EnqueueAsync(", StringComparison.Ordinal) || l.Text.Contains("CardMessages.Add(", StringComparison.Ordinal)
                || l.File.Contains("Conversation", StringComparison.Ordinal) && l.Text.Contains("changes.SaveAsync(", StringComparison.Ordinal)
                || l.Text.Contains("RecurringJob.AddOrUpdate", StringComparison.Ordinal) || l.Text.Contains("BackgroundJob.Enqueue", StringComparison.Ordinal)
                || JobClass().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Number}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offences.Count == 0, string.Join('\n', offences));
    }

    /// <summary>Every line of the project's C# files that is not a comment.</summary>
    private static IEnumerable<(string File, int Number, string Text)> CodeLines(string project) =>
        Directory.EnumerateFiles(Path.Combine(Root, project), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"))
            .SelectMany(f => File.ReadLines(Path.Combine(Root, f)).Select((text, i) => (File: f, Number: i + 1, Text: text)))
            .Where(l => !l.Text.TrimStart().StartsWith("//", StringComparison.Ordinal));

    [GeneratedRegex(@"\bChatCompliance\.(Integrations|Bot|Jobs)\b|\bSlack[A-Z]\w*(Api|Client|Adapter)\b|\bBotConnector\w*")]
    private static partial Regex PlatformNamespace();

    [GeneratedRegex(@"class \w+Job\b")]
    private static partial Regex JobClass();
}
