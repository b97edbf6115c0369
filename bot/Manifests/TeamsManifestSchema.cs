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

    public string Path { get; private init; } = "";

    public static async Task<TeamsManifestSchema> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        var root = JsonNode.Parse(await File.ReadAllTextAsync(path, cancellationToken))
            ?? throw new InvalidDataException($"{path} is not a JSON schema");
        ConstToEnum(root);
        var schema = await JsonSchema.FromJsonAsync(root.ToJsonString(), path, cancellationToken);
        return new TeamsManifestSchema(schema) { Path = path };
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
