using System.Text.Json.Nodes;
using ChatCompliance.Tests.Knowledge;
using NJsonSchema;

namespace ChatCompliance.Tests.Cards;

/// <summary>
/// Validates rendered cards against the Adaptive Card 1.5 schema vendored in manifests/schemas, with NJsonSchema,
/// plus two checks that neither the schema nor NJsonSchema makes:
/// <list type="bullet">
/// <item>NJsonSchema 11.6.2 does not check <c>format: uri-reference</c> (every <c>url</c> and <c>iconUrl</c> of
/// the schema; "http://[bad" passes) and its <c>format: uri</c> accepts a rooted path such as "/x" on Linux
/// (.NET treats it as a file URI), so each <c>url</c> is checked here to be an absolute http(s) address.</item>
/// <item>The schema's <c>FallbackOption</c> is a bare <c>pattern</c> with no <c>type</c>, and a pattern only
/// applies to strings, so any object passes as a <c>fallback</c>. That is correct JSON Schema, not an
/// NJsonSchema bug, but it leaves our <c>Action.Submit</c> fallbacks unchecked: each is validated on its own.</item>
/// </list>
/// Also not enforced by the schema: the top-level <c>version</c> (not required) and the action <c>style</c>
/// pattern (unanchored alternatives, so "xxpositive" passes); tests assert those values directly.
/// </summary>
internal static class AdaptiveCardSchema
{
    private static readonly Lazy<Task<JsonSchema>> Schema = new(() => JsonSchema.FromFileAsync(SchemaPath));

    /// <summary>The repository's own copy (see manifests/schemas/README.md for its source).</summary>
    public static string SchemaPath => Path.Combine(KnowledgeFixture.RepositoryRoot, "manifests", "schemas", "adaptive-card-1.5.schema.json");

    /// <summary>What NJsonSchema alone reports against the schema.</summary>
    public static async Task<IReadOnlyList<string>> ValidateWithSchemaOnlyAsync(JsonObject card) =>
        [.. (await Schema.Value).Validate(card.ToJsonString()).Select(e => e.ToString())];

    /// <summary>Every problem found: the schema's, each fallback action's, and each non-web address.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(JsonObject card)
    {
        var problems = (await ValidateWithSchemaOnlyAsync(card)).ToList();
        foreach (var (name, node) in Walk(card))
        {
            if (name == "fallback" && node is JsonObject fallback)
            {
                var alone = new JsonObject { ["type"] = "AdaptiveCard", ["version"] = "1.5", ["actions"] = new JsonArray(fallback.DeepClone()) };
                problems.AddRange((await ValidateWithSchemaOnlyAsync(alone)).Select(p => $"fallback {fallback.GetPath()}: {p}"));
            }

            if (name is "url" or "iconUrl" && !IsWebAddress(node))
            {
                problems.Add($"{node.GetPath()}: not an absolute http(s) address: {node.ToJsonString()}");
            }
        }

        return problems;
    }

    public static async Task AssertValidAsync(JsonObject card)
    {
        var problems = await ValidateAsync(card);
        Assert.True(problems.Count == 0, string.Join('\n', problems) + '\n' + card.ToJsonString());
    }

    private static bool IsWebAddress(JsonNode node) =>
        node.GetValueKind() == System.Text.Json.JsonValueKind.String
        && Uri.TryCreate(node.GetValue<string>(), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static IEnumerable<(string? Name, JsonNode Node)> Walk(JsonNode node)
    {
        IEnumerable<(string? Name, JsonNode? Node)> children = node switch
        {
            JsonObject o => o.Select(p => ((string?)p.Key, p.Value)),
            JsonArray a => a.Select(n => ((string?)null, n)),
            _ => [],
        };
        foreach (var (name, child) in children)
        {
            if (child is null)
            {
                continue;
            }

            yield return (name, child);
            foreach (var descendant in Walk(child))
            {
                yield return descendant;
            }
        }
    }
}
