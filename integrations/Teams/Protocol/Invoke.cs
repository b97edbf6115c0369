using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatCompliance.Integrations.Teams.Protocol;

/// <summary>The value of an <c>adaptiveCard/action</c> invoke.</summary>
public sealed class AdaptiveCardInvokeValue
{
    [JsonPropertyName("action")]
    public AdaptiveCardInvokeAction? Action { get; set; }

    /// <summary><c>manual</c> (a click) or <c>automatic</c> (a refresh).</summary>
    [JsonPropertyName("trigger")]
    public string? Trigger { get; set; }
}

/// <summary>The <c>Action.Execute</c> that was clicked.</summary>
public sealed class AdaptiveCardInvokeAction
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("verb")]
    public string? Verb { get; set; }

    [JsonPropertyName("data")]
    public JsonElement? Data { get; set; }
}

/// <summary>The HTTP body answering an invoke: <c>{statusCode, type, value}</c>.</summary>
public sealed class AdaptiveCardInvokeResponse
{
    public const string CardType = "application/vnd.microsoft.card.adaptive";
    public const string MessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";
    public const string PreconditionFailedType = "application/vnd.microsoft.error.preconditionFailed";

    [JsonPropertyName("statusCode")]
    public int StatusCode { get; set; }

    [JsonPropertyName("type")]
    public string Type { get; set; } = MessageType;

    [JsonPropertyName("value")]
    public object? Value { get; set; }
}
