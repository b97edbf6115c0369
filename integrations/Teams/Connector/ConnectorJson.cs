using System.Text.Json;
using System.Text.Json.Serialization;
using ChatCompliance.Integrations.Teams.Protocol;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>The Bot Connector's and the token endpoint's JSON, source-generated; nulls are left out when writing.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(ConversationParameters))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(ConversationResourceResponse))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class ConnectorJson : JsonSerializerContext;

/// <summary>The client-credentials answer: <c>{token_type, expires_in, access_token}</c>.</summary>
internal sealed class TokenResponse
{
    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }

    [JsonPropertyName("expires_in")]
    public long ExpiresIn { get; set; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }
}
