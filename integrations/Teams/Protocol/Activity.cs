using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatCompliance.Integrations.Teams.Protocol;

/// <summary>A Bot Framework activity, in the protocol's own terms (only the fields this bot reads or writes).</summary>
public sealed class Activity
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("timestamp")]
    public DateTimeOffset? Timestamp { get; set; }

    [JsonPropertyName("serviceUrl")]
    public string? ServiceUrl { get; set; }

    [JsonPropertyName("channelId")]
    public string? ChannelId { get; set; }

    [JsonPropertyName("from")]
    public ChannelAccount? From { get; set; }

    [JsonPropertyName("conversation")]
    public ConversationAccount? Conversation { get; set; }

    [JsonPropertyName("recipient")]
    public ChannelAccount? Recipient { get; set; }

    [JsonPropertyName("text")]
    public string? Text { get; set; }

    [JsonPropertyName("textFormat")]
    public string? TextFormat { get; set; }

    [JsonPropertyName("replyToId")]
    public string? ReplyToId { get; set; }

    /// <summary><c>Action.Submit</c> data, or the invoke's payload (<see cref="AdaptiveCardInvokeValue"/>).</summary>
    [JsonPropertyName("value")]
    public JsonElement? Value { get; set; }

    [JsonPropertyName("action")]
    public string? Action { get; set; }

    [JsonPropertyName("membersAdded")]
    public List<ChannelAccount>? MembersAdded { get; set; }

    [JsonPropertyName("membersRemoved")]
    public List<ChannelAccount>? MembersRemoved { get; set; }

    [JsonPropertyName("attachments")]
    public List<Attachment>? Attachments { get; set; }

    [JsonPropertyName("entities")]
    public List<JsonElement>? Entities { get; set; }

    [JsonPropertyName("channelData")]
    public TeamsChannelData? ChannelData { get; set; }

    [JsonPropertyName("summary")]
    public string? Summary { get; set; }
}

/// <summary>A user or bot on a channel.</summary>
public sealed class ChannelAccount
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>The user's Entra ID object id.</summary>
    [JsonPropertyName("aadObjectId")]
    public string? AadObjectId { get; set; }
}

/// <summary>The conversation an activity belongs to.</summary>
public sealed class ConversationAccount
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("isGroup")]
    public bool? IsGroup { get; set; }

    /// <summary><c>personal</c>, <c>groupChat</c> or <c>channel</c>.</summary>
    [JsonPropertyName("conversationType")]
    public string? ConversationType { get; set; }

    [JsonPropertyName("tenantId")]
    public string? TenantId { get; set; }
}

/// <summary>A card or file attached to an activity.</summary>
public sealed class Attachment
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    [JsonPropertyName("contentType")]
    public string? ContentType { get; set; }

    [JsonPropertyName("content")]
    public JsonElement? Content { get; set; }
}

/// <summary>Teams' additions to an activity.</summary>
public sealed class TeamsChannelData
{
    [JsonPropertyName("tenant")]
    public IdHolder? Tenant { get; set; }

    [JsonPropertyName("team")]
    public IdHolder? Team { get; set; }

    [JsonPropertyName("channel")]
    public IdHolder? Channel { get; set; }

    [JsonPropertyName("eventType")]
    public string? EventType { get; set; }
}

/// <summary>An object Teams identifies by id (and sometimes a name).</summary>
public sealed class IdHolder
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

/// <summary>The activity types and invoke names this bot handles.</summary>
public static class ActivityTypes
{
    public const string Message = "message";
    public const string ConversationUpdate = "conversationUpdate";
    public const string InstallationUpdate = "installationUpdate";
    public const string Invoke = "invoke";
    public const string AdaptiveCardAction = "adaptiveCard/action";
}
