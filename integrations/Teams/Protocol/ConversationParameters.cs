using System.Text.Json.Serialization;

namespace ChatCompliance.Integrations.Teams.Protocol;

/// <summary>The body of <c>POST /v3/conversations</c>: who the conversation is with, and optionally its first activity.</summary>
public sealed class ConversationParameters
{
    [JsonPropertyName("isGroup")]
    public bool IsGroup { get; set; }

    [JsonPropertyName("bot")]
    public ChannelAccount? Bot { get; set; }

    [JsonPropertyName("members")]
    public List<ChannelAccount>? Members { get; set; }

    [JsonPropertyName("tenantId")]
    public string? TenantId { get; set; }

    [JsonPropertyName("activity")]
    public Activity? Activity { get; set; }

    [JsonPropertyName("channelData")]
    public TeamsChannelData? ChannelData { get; set; }
}
