using ChatCompliance.Bot.Manifests;
using ChatCompliance.Tests.Knowledge;

namespace ChatCompliance.Tests.Manifests;

/// <summary>The repository's Teams manifest template, and the reference schema in shared/ beside the repository.</summary>
public static class ManifestFiles
{
    public const string AppId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    public const string Host = "bot.example.com";

    public static string Template { get; } = Path.Combine(KnowledgeFixture.RepositoryRoot, "manifests", "teams");

    /// <summary>Tests fail, never skip, without the schema: CI has shared/ beside its clone.</summary>
    public static string Schema { get; } = TeamsAppPackage.FindSchema(Template)
        ?? throw new FileNotFoundException($"{TeamsAppPackage.SchemaFile} not found in a shared/reference/schemas/ above {Template}");

    public static string FilledManifest() =>
        TeamsAppPackage.Fill(File.ReadAllText(Path.Combine(Template, TeamsAppPackage.ManifestFile)), AppId, Host);
}
