using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ChatCompliance.Integrations.Slack;

/// <summary>Source-generated JSON metadata for the Web API request bodies.</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SlackJson : JsonSerializerContext;
