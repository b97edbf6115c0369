using System.Text.Json.Nodes;
using ChatCompliance.Bot.Manifests;
using NJsonSchema;

namespace ChatCompliance.Tests.Manifests;

/// <summary>The filled manifest against the Teams 1.23 schema, and the validator checked both ways.</summary>
public sealed class TeamsManifestSchemaTests : IClassFixture<TeamsManifestSchemaTests.SchemaFixture>
{
    private readonly TeamsManifestSchema _schema;

    public TeamsManifestSchemaTests(SchemaFixture fixture) => _schema = fixture.Schema!;

    [Fact]
    public void Validate_FilledManifest_HasNoErrors()
    {
        Assert.Empty(_schema.Validate(ManifestFiles.FilledManifest()));
    }

    [Fact]
    public void Validate_ManifestWithOptionalSections_HasNoErrors()
    {
        var errors = _schema.Validate(Edit(m =>
        {
            m["webApplicationInfo"] = new JsonObject { ["id"] = ManifestFiles.AppId, ["resource"] = $"api://{ManifestFiles.Host}/{ManifestFiles.AppId}" };
            m["staticTabs"] = new JsonArray(new JsonObject { ["entityId"] = "conversations", ["scopes"] = new JsonArray("personal") });
            m["icons"]!["color32x32"] = "color32.png";
        }));

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_TemplateWithPlaceholders_FailsOnTheIds()
    {
        var errors = _schema.Validate(File.ReadAllText(Path.Combine(ManifestFiles.Template, TeamsAppPackage.ManifestFile)));

        Assert.Contains(errors, e => e.StartsWith("#/id: PatternMismatch", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("#/bots[0].botId: PatternMismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingName_Fails()
    {
        var errors = _schema.Validate(Edit(m => m.Remove("name")));

        Assert.Contains(errors, e => e.StartsWith("#/name: PropertyRequired", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TooLongShortName_Fails()
    {
        var errors = _schema.Validate(Edit(m => m["name"]!["short"] = new string('C', 31)));

        Assert.Contains(errors, e => e.StartsWith("#/name.short: StringTooLong", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("1.22")]
    [InlineData("1.99")]
    [InlineData("")]
    public void Validate_OtherManifestVersion_Fails(string version)
    {
        var errors = _schema.Validate(Edit(m => m["manifestVersion"] = version));

        Assert.Contains(errors, e => e.StartsWith("#/manifestVersion: NotInEnumeration", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownTopLevelProperty_Fails()
    {
        var errors = _schema.Validate(Edit(m => m["botEndpoint"] = "https://bot.example.com/api/messages"));

        Assert.Contains(errors, e => e.StartsWith("#/botEndpoint: NoAdditionalPropertiesAllowed", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ElevenCommandsInAList_Fails()
    {
        var errors = _schema.Validate(Edit(m =>
        {
            var commands = m["bots"]![0]!["commandLists"]![0]!["commands"]!.AsArray();
            while (commands.Count < 11)
            {
                commands.Add(new JsonObject { ["title"] = $"extra {commands.Count}", ["description"] = "padding" });
            }
        }));

        Assert.Contains(errors, e => e.StartsWith("#/bots[0].commandLists[0].commands: TooManyItems", StringComparison.Ordinal));
    }

    /// <summary>
    /// The schema is draft-04 but pins manifestVersion with <c>const</c> (draft-06). NJsonSchema 11.6.2 has no
    /// <c>const</c>: it keeps the keyword as extension data and never checks it, so read as published the schema
    /// accepts any manifestVersion. <see cref="TeamsManifestSchema"/> rewrites it to a one-value <c>enum</c>; if this
    /// test starts failing, NJsonSchema has learnt <c>const</c> and the rewrite can go.
    /// </summary>
    [Fact]
    public async Task NJsonSchema_AsPublished_IgnoresConst()
    {
        var raw = await JsonSchema.FromFileAsync(ManifestFiles.Schema);

        Assert.Empty(raw.Validate(Edit(m => m["manifestVersion"] = "1.99")));
        Assert.Contains("const", raw.Properties["manifestVersion"].ExtensionData?.Keys ?? []);
    }

    /// <summary><c>manifests pack</c> validates against the copy inside the bot's assembly: it must be the vendored file.</summary>
    [Fact]
    public async Task LoadBundledAsync_IsTheVendoredFileByteForByte()
    {
        await using var embedded = typeof(TeamsManifestSchema).Assembly.GetManifestResourceStream(TeamsManifestSchema.FileName);
        Assert.NotNull(embedded);
        await using var copy = new MemoryStream();
        await embedded.CopyToAsync(copy);

        Assert.Equal(await File.ReadAllBytesAsync(ManifestFiles.Schema), copy.ToArray());
        Assert.EndsWith("(bundled)", (await TeamsManifestSchema.LoadBundledAsync()).Source, StringComparison.Ordinal);
    }

    private static string Edit(Action<JsonObject> change)
    {
        var manifest = JsonNode.Parse(ManifestFiles.FilledManifest())!.AsObject();
        change(manifest);
        return manifest.ToJsonString();
    }

    public sealed class SchemaFixture : IAsyncLifetime
    {
        internal TeamsManifestSchema? Schema { get; private set; }

        public async Task InitializeAsync() => Schema = await TeamsManifestSchema.LoadBundledAsync();

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
