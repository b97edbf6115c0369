using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ChatCompliance.Bot.Manifests;

/// <summary>The Teams app manifest JSON schema (draft-04), read with NJsonSchema.</summary>
/// <remarks>
/// The schema declares draft-04 but pins <c>manifestVersion</c> with <c>const</c>, a draft-06 keyword. NJsonSchema
/// reads draft-04 and keeps keywords it does not know (<c>const</c> among them) as extension data it never checks,
/// so a wrong <c>manifestVersion</c> would pass. Every <c>const</c> in a schema position is therefore rewritten to
/// the equivalent one-value <c>enum</c> before the schema is read.
/// </remarks>
internal sealed class TeamsManifestSchema
{
    /// <summary>Keywords whose value is a map of names to subschemas.</summary>
    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "definitions", "dependencies"];

    /// <summary>Keywords whose value is a subschema or an array of them.</summary>
    private static readonly string[] Subschemas = ["items", "additionalItems", "additionalProperties", "not", "allOf", "anyOf", "oneOf"];

    private readonly JsonSchema _schema;

    private TeamsManifestSchema(JsonSchema schema) => _schema = schema;

    /// <summary>The schema's file name, as shipped in <c>manifests/schemas/</c> and embedded in this assembly.</summary>
    public const string FileName = "teams-manifest-1.23.schema.json";

    /// <summary>Where the schema was read from: a file's path, or the copy embedded in this assembly.</summary>
    public string Source { get; private init; } = "";

    /// <summary>The schema vendored in <c>manifests/schemas/</c>, embedded in this assembly so a published build validates too.</summary>
    public static async Task<TeamsManifestSchema> LoadBundledAsync(CancellationToken cancellationToken = default)
    {
        await using var stream = typeof(TeamsManifestSchema).Assembly.GetManifestResourceStream(FileName)
            ?? throw new InvalidOperationException($"{FileName} is not embedded in {typeof(TeamsManifestSchema).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        return await ParseAsync(await reader.ReadToEndAsync(cancellationToken), null, $"{FileName} (bundled)", cancellationToken);
    }

    public static async Task<TeamsManifestSchema> LoadAsync(string path, CancellationToken cancellationToken = default) =>
        await ParseAsync(await File.ReadAllTextAsync(path, cancellationToken), path, path, cancellationToken);

    private static async Task<TeamsManifestSchema> ParseAsync(string json, string? documentPath, string source, CancellationToken cancellationToken)
    {
        var root = JsonNode.Parse(json) ?? throw new InvalidDataException($"{source} is not a JSON schema");
        ConstToEnum(root);
        var schema = await JsonSchema.FromJsonAsync(root.ToJsonString(), documentPath, cancellationToken);
        return new TeamsManifestSchema(schema) { Source = source };
    }

    /// <summary>The manifest's schema errors, one line each (<c>#/name.short: StringTooLong (line 13)</c>); empty when valid.</summary>
    public IReadOnlyList<string> Validate(string manifestJson) =>
        [.. Flatten(_schema.Validate(manifestJson)).Select(Describe).Distinct(StringComparer.Ordinal)];

    /// <summary>The errors that say what is wrong: an invalid array item or property gives way to its own errors.</summary>
    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e switch
        {
            ChildSchemaValidationError { Kind: ValidationErrorKind.ArrayItemNotValid or ValidationErrorKind.AdditionalItemNotValid or ValidationErrorKind.AdditionalPropertiesNotValid } child
                when child.Errors.Count > 0 => child.Errors.Values.SelectMany(Flatten),
            ChildSchemaValidationError child => [e, .. child.Errors.Values.SelectMany(Flatten)],
            _ => [e],
        });

    private static string Describe(ValidationError error) =>
        $"{(string.IsNullOrEmpty(error.Path) ? "#" : error.Path)}: {error.Kind}{(error.HasLineInfo ? $" (line {error.LineNumber})" : "")}";

    private static void ConstToEnum(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["const"] is { } value && !schema.ContainsKey("enum"))
        {
            schema.Remove("const");
            schema["enum"] = new JsonArray(value);
        }

        foreach (var (keyword, child) in schema)
        {
            if (SchemaMaps.Contains(keyword, StringComparer.Ordinal) && child is JsonObject map)
            {
                foreach (var (_, subschema) in map)
                {
                    ConstToEnum(subschema);
                }
            }
            else if (Subschemas.Contains(keyword, StringComparer.Ordinal))
            {
                foreach (var subschema in child is JsonArray list ? [.. list] : new[] { child })
                {
                    ConstToEnum(subschema);
                }
            }
        }
    }
}
