using ChatCompliance.Integrations.Teams.Protocol;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>The Bot Connector REST calls the bot makes (v3 routes relative to the conversation's service URL).</summary>
public interface IBotConnector
{
    /// <summary><c>POST /v3/conversations/{conversationId}/activities/{replyToId}</c>.</summary>
    Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary><c>POST /v3/conversations/{conversationId}/activities</c>.</summary>
    Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary><c>POST /v3/conversations</c>: opens (or finds) the 1:1 conversation with <paramref name="member"/>.</summary>
    Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, string tenantId, ChannelAccount bot, ChannelAccount member, Activity? activity = null, CancellationToken cancellationToken = default);

    /// <summary><c>PUT /v3/conversations/{conversationId}/activities/{activityId}</c>: replaces a sent card.</summary>
    Task UpdateAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken = default);

    /// <summary><c>DELETE /v3/conversations/{conversationId}/activities/{activityId}</c>.</summary>
    Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken = default);
}

/// <summary>The id the connector gave a sent activity.</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>The conversation the connector opened, and the first activity's id when one was sent with it.</summary>
public sealed record ConversationResourceResponse(string Id, string? ActivityId, string? ServiceUrl);
