using System.Text.RegularExpressions;
using System.Xml.Linq;
using ChatCompliance.Tests.Knowledge;

namespace ChatCompliance.Tests.Host;

/// <summary>scripts/test.sh builds ChatCompliance.sln; ChatCompliance.slnx is kept for tools that prefer it. They must not drift.</summary>
public sealed partial class SolutionFileTests
{
    [Fact]
    public void The_sln_and_the_slnx_list_the_same_projects()
    {
        var root = KnowledgeFixture.RepositoryRoot;
        var sln = ProjectLine().Matches(File.ReadAllText(Path.Combine(root, "ChatCompliance.sln")))
            .Select(m => m.Groups["path"].Value.Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        var slnx = XDocument.Load(Path.Combine(root, "ChatCompliance.slnx")).Descendants("Project")
            .Select(p => (string)p.Attribute("Path")!).Order(StringComparer.Ordinal).ToList();
        var onDisk = Directory.EnumerateFiles(root, "*.csproj", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj" || part.StartsWith('.')))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Equal(onDisk, sln);
        Assert.Equal(onDisk, slnx);
    }

    [GeneratedRegex("""^Project\("\{[^}]+\}"\) = "[^"]+", "(?<path>[^"]+\.csproj)", """, RegexOptions.Multiline)]
    private static partial Regex ProjectLine();
}
