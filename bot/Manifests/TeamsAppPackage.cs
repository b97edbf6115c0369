using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatCompliance.Bot.Manifests;

/// <summary>
/// The Teams app package: <c>manifests/teams/manifest.json</c> with its placeholders filled in, zipped with the two
/// icons at the root, ready for Teams' "Upload an app".
/// </summary>
internal static partial class TeamsAppPackage
{
    public const string AppIdPlaceholder = "{{APP_ID}}";
    public const string HostPlaceholder = "{{HOST}}";
    public const string ManifestFile = "manifest.json";

    /// <summary>The package's entries, all at its root.</summary>
    public static readonly IReadOnlyList<string> Files = [ManifestFile, "color.png", "outline.png"];

    /// <summary>The nearest <c>manifests/teams/</c> holding a manifest above any of <paramref name="startFolders"/>.</summary>
    public static string FindTemplate(params string[] startFolders)
    {
        foreach (var start in startFolders)
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "manifests", "teams");
                if (File.Exists(Path.Combine(candidate, ManifestFile)))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"No manifests/teams/{ManifestFile} found above {string.Join(" or ", startFolders)}");
    }

    /// <summary>The bot's Microsoft App ID in the manifest's form (lower-case, hyphenated).</summary>
    public static string CheckAppId(string? appId)
    {
        if (string.IsNullOrWhiteSpace(appId))
        {
            throw new PackageOptionException("--app-id", "is required: the bot's Microsoft App ID, a GUID");
        }

        if (!Guid.TryParseExact(appId.Trim(), "D", out var guid))
        {
            throw new PackageOptionException("--app-id", $"'{appId}' is not a GUID like 00000000-0000-0000-0000-000000000000");
        }

        return guid == Guid.Empty
            ? throw new PackageOptionException("--app-id", "is the empty GUID; give the bot's Microsoft App ID")
            : guid.ToString("D");
    }

    /// <summary>The bot's public host name, lower-case; Teams' <c>validDomains</c> allows neither scheme, path nor port.</summary>
    public static string CheckHost(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new PackageOptionException("--host", "is required: the bot's public host name, e.g. bot.example.com");
        }

        host = host.Trim();
        var problem = host.Contains("://", StringComparison.Ordinal) ? "has a scheme: give the bare host name"
            : host.Contains('/', StringComparison.Ordinal) ? "has a path: give the bare host name"
            : host.Contains(':', StringComparison.Ordinal) ? "has a port, which Teams' validDomains cannot carry: give the bare host name"
            : !HostName().IsMatch(host) ? "is not a host name (letters, digits and hyphens in dot-separated labels)"
            : null;
        return problem is null
            ? host.ToLowerInvariant()
            : throw new PackageOptionException("--host", $"'{host}' {problem}, e.g. bot.example.com");
    }

    /// <summary>The manifest template with its placeholders replaced by the app id and host, once checked.</summary>
    public static string Fill(string template, string appId, string host)
    {
        var manifest = template
            .Replace(AppIdPlaceholder, CheckAppId(appId), StringComparison.Ordinal)
            .Replace(HostPlaceholder, CheckHost(host), StringComparison.Ordinal);
        var left = Placeholder().Match(manifest);
        return left.Success ? throw new InvalidDataException($"{ManifestFile} has an unknown placeholder {left.Value}") : manifest;
    }

    /// <summary>
    /// Fills the template in <paramref name="templateFolder"/>, validates it against <paramref name="schema"/>
    /// and writes the zip to <paramref name="outputPath"/>.
    /// Returns the schema errors; the zip is written only when there are none.
    /// </summary>
    /// <exception cref="PackageOptionException">The app id or the host is not acceptable.</exception>
    public static async Task<IReadOnlyList<string>> PackAsync(
        string templateFolder, string? appId, string? host, string outputPath, TeamsManifestSchema schema, CancellationToken cancellationToken = default)
    {
        var id = CheckAppId(appId);
        var hostName = CheckHost(host);
        var manifest = Fill(await File.ReadAllTextAsync(Path.Combine(templateFolder, ManifestFile), cancellationToken), id, hostName);
        var errors = schema.Validate(manifest);
        if (errors.Count > 0)
        {
            return errors;
        }

        var missing = Files.Skip(1).Select(name => Path.Combine(templateFolder, name)).FirstOrDefault(path => !File.Exists(path));
        if (missing is not null)
        {
            throw new FileNotFoundException($"{missing} is missing", missing);
        }

        var output = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await using var file = new FileStream(output, FileMode.Create, FileAccess.Write);
        await using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var name in Files)
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
            await using var stream = await entry.OpenAsync(cancellationToken);
            if (name == ManifestFile)
            {
                await stream.WriteAsync(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(manifest), cancellationToken);
            }
            else
            {
                await using var icon = File.OpenRead(Path.Combine(templateFolder, name));
                await icon.CopyToAsync(stream, cancellationToken);
            }
        }

        return [];
    }

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"\{\{[A-Z_]+\}\}")]
    private static partial Regex Placeholder();
}

/// <summary>An option of <c>manifests pack</c> that cannot be used; the message names it.</summary>
internal sealed class PackageOptionException(string option, string problem) : Exception($"{option} {problem}")
{
    public string Option { get; } = option;
}
