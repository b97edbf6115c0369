using System.Text.Json;
using System.Text.Json.Serialization;
using ChatCompliance.Integrations.Teams.Protocol;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>The Bot Connector's JSON, source-generated; nulls are left out when writing.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(ConversationParameters))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(ConversationResourceResponse))]
internal sealed partial class ConnectorJson : JsonSerializerContext;
