using System.IO.Compression;
using System.Text.Json.Nodes;
using ChatCompliance.Bot.Manifests;
using ChatCompliance.Tests.Infrastructure;

namespace ChatCompliance.Tests.Manifests;

/// <summary><c>manifests pack</c>: the filled manifest and its icons in a zip, and clear errors for bad options.</summary>
public sealed class TeamsAppPackageTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("cc-manifest-").FullName;

    [Fact]
    public async Task PackAsync_GoodOptions_WritesTheThreeFilesWithPlaceholdersReplaced()
    {
        var zipPath = Path.Combine(_out, "teams-app.zip");

        var errors = await TeamsAppPackage.PackAsync(ManifestFiles.Template, ManifestFiles.AppId.ToUpperInvariant(), "Bot.Example.com", zipPath, await TeamsManifestSchema.LoadBundledAsync());

        Assert.Empty(errors);
        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        var manifestText = await new StreamReader(zip.GetEntry("manifest.json")!.Open()).ReadToEndAsync();
        Assert.DoesNotContain("{{", manifestText, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(manifestText)!;
        Assert.Equal(ManifestFiles.AppId, manifest["id"]!.GetValue<string>());
        Assert.Equal(ManifestFiles.AppId, manifest["bots"]![0]!["botId"]!.GetValue<string>());
        Assert.Equal(["bot.example.com"], manifest["validDomains"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal("https://bot.example.com/privacy", manifest["developer"]!["privacyUrl"]!.GetValue<string>());
        foreach (var icon in new[] { "color.png", "outline.png" })
        {
            await using var packed = new MemoryStream();
            await zip.GetEntry(icon)!.Open().CopyToAsync(packed);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(ManifestFiles.Template, icon)), packed.ToArray());
        }
    }

    [Fact]
    public async Task PackAsync_TemplateThatBreaksTheSchema_ReturnsErrorsAndWritesNothing()
    {
        var template = CopyTemplate();
        var broken = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(template, "manifest.json")))!;
        broken["name"]!["short"] = "ChatCompliance, the compliance assistant";
        await File.WriteAllTextAsync(Path.Combine(template, "manifest.json"), broken.ToJsonString());
        var zipPath = Path.Combine(_out, "teams-app.zip");

        var errors = await TeamsAppPackage.PackAsync(template, ManifestFiles.AppId, ManifestFiles.Host, zipPath, await TeamsManifestSchema.LoadBundledAsync());

        Assert.Contains(errors, e => e.StartsWith("#/name.short: StringTooLong", StringComparison.Ordinal));
        Assert.False(File.Exists(zipPath));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-guid")]
    [InlineData("{3f2504e0-4f89-11d3-9a0c-0305e82c3301}")]
    [InlineData("3f2504e04f8911d39a0c0305e82c3301")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void CheckAppId_NotAHyphenatedGuid_NamesTheOption(string? appId)
    {
        var e = Assert.Throws<PackageOptionException>(() => TeamsAppPackage.CheckAppId(appId));

        Assert.Equal("--app-id", e.Option);
        Assert.StartsWith("--app-id ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("https://bot.example.com", "has a scheme")]
    [InlineData("bot.example.com/api/messages", "has a path")]
    [InlineData("bot.example.com:443", "has a port")]
    [InlineData("bot_example.com", "is not a host name")]
    [InlineData("*.example.com", "is not a host name")]
    [InlineData("bot..example.com", "is not a host name")]
    [InlineData("-bot.example.com", "is not a host name")]
    [InlineData("bot.example.com.", "is not a host name")]
    [InlineData("bot example.com", "is not a host name")]
    public void CheckHost_NotABareHostName_NamesTheOption(string? host, string problem)
    {
        var e = Assert.Throws<PackageOptionException>(() => TeamsAppPackage.CheckHost(host));

        Assert.Equal("--host", e.Option);
        Assert.StartsWith("--host ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bot.example.com", "bot.example.com")]
    [InlineData("Compliance-Bot.Contoso.CO.UK", "compliance-bot.contoso.co.uk")]
    [InlineData("abc123.ngrok-free.app", "abc123.ngrok-free.app")]
    [InlineData("localhost", "localhost")]
    public void CheckHost_BareHostName_IsLowerCased(string host, string expected)
    {
        Assert.Equal(expected, TeamsAppPackage.CheckHost(host));
    }

    [Fact]
    public async Task PackAsync_BadHost_ThrowsBeforeWritingAnything()
    {
        var zipPath = Path.Combine(_out, "teams-app.zip");
        var schema = await TeamsManifestSchema.LoadBundledAsync();

        await Assert.ThrowsAsync<PackageOptionException>(() =>
            TeamsAppPackage.PackAsync(ManifestFiles.Template, ManifestFiles.AppId, "https://bot.example.com/", zipPath, schema));

        Assert.False(File.Exists(zipPath));
    }

    [Fact]
    public async Task Manifests_pack_writes_teams_app_zip_into_the_current_directory()
    {
        var result = await BotProcess.RunAsync(["manifests", "pack", "--app-id", ManifestFiles.AppId, "--host", ManifestFiles.Host], workingDirectory: _out);

        Assert.True(result.Exit == 0, result.Stderr + result.Stdout);
        Assert.Contains($"manifest valid against {TeamsManifestSchema.FileName} (bundled)", result.Stdout, StringComparison.Ordinal);
        using var zip = ZipFile.OpenRead(Path.Combine(_out, "teams-app.zip"));
        Assert.Equal(3, zip.Entries.Count);
        var manifest = JsonNode.Parse(zip.GetEntry("manifest.json")!.Open())!;
        Assert.Equal(ManifestFiles.AppId, manifest["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Manifests_pack_refuses_a_template_that_breaks_the_schema_with_nothing_but_the_program()
    {
        // The template in the working folder (a temp folder, nothing of the repository above it) wins over the shipped one.
        var template = CopyTemplate();
        var broken = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(template, "manifest.json")))!;
        broken["manifestVersion"] = "1.99";
        await File.WriteAllTextAsync(Path.Combine(template, "manifest.json"), broken.ToJsonString());

        var result = await BotProcess.RunAsync(["manifests", "pack", "--app-id", ManifestFiles.AppId, "--host", ManifestFiles.Host], workingDirectory: _out);

        Assert.True(result.Exit == 1, result.Stderr + result.Stdout);
        Assert.Contains($"does not match {TeamsManifestSchema.FileName} (bundled): #/manifestVersion", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_out, "teams-app.zip")));
    }

    [Fact]
    public async Task Manifests_pack_with_a_url_for_host_exits_2_with_one_line_naming_the_option()
    {
        var output = Path.Combine(_out, "sub", "app.zip");

        var result = await BotProcess.RunAsync(["manifests", "pack", "--app-id", ManifestFiles.AppId, "--host", "https://bot.example.com", "--output", output]);

        Assert.Equal(2, result.Exit);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: --host 'https://bot.example.com' has a scheme", line, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    /// <summary>A copy of the template in the temp folder, outside the repository.</summary>
    private string CopyTemplate()
    {
        var template = Directory.CreateDirectory(Path.Combine(_out, "manifests", "teams")).FullName;
        foreach (var file in TeamsAppPackage.Files)
        {
            File.Copy(Path.Combine(ManifestFiles.Template, file), Path.Combine(template, file));
        }

        return template;
    }

    public void Dispose() => Directory.Delete(_out, recursive: true);
}
