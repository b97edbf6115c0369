namespace ChatCompliance.Integrations.Slack;

/// <summary>What a Web API request counts against: its method, and for <c>chat.postMessage</c> its channel.</summary>
internal sealed record SlackCall(string Method, string? Channel)
{
    public static readonly HttpRequestOptionsKey<SlackCall> Key = new("ChatCompliance.Slack.Call");
}
