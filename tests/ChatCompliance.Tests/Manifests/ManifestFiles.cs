using ChatCompliance.Bot.Manifests;
using ChatCompliance.Tests.Knowledge;

namespace ChatCompliance.Tests.Manifests;

/// <summary>The repository's Teams manifest template, and the Teams manifest schema vendored in manifests/schemas/.</summary>
public static class ManifestFiles
{
    public const string AppId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    public const string Host = "bot.example.com";

    public static string Template { get; } = Path.Combine(KnowledgeFixture.RepositoryRoot, "manifests", "teams");

    /// <summary>The vendored file; the bot embeds this same file (<see cref="TeamsManifestSchema.LoadBundledAsync"/>).</summary>
    public static string Schema { get; } = Path.Combine(KnowledgeFixture.RepositoryRoot, "manifests", "schemas", TeamsManifestSchema.FileName);

    public static string FilledManifest() =>
        TeamsAppPackage.Fill(File.ReadAllText(Path.Combine(Template, TeamsAppPackage.ManifestFile)), AppId, Host);
}
