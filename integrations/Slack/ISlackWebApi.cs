using System.Text.Json.Nodes;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// The Slack Web API methods the bot uses. Calls queue for Slack's rate limits, retry 429 (after <c>Retry-After</c>)
/// and server errors, and throw <see cref="SlackApiException"/> when Slack answers <c>ok:false</c>.
/// </summary>
public interface ISlackWebApi
{
    /// <summary>
    /// <c>chat.postMessage</c>: posts to a channel (or a DM's channel id), in a thread when <paramref name="threadTs"/> is
    /// set, with message <c>metadata</c> when <paramref name="metadata"/> is (its <c>event_type</c> and <c>event_payload</c>),
    /// so the message can be found again in the channel's history.
    /// </summary>
    Task<SlackMessage> PostMessageAsync(string channel, string text, JsonArray? blocks = null, string? threadTs = null, SlackMetadata? metadata = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>conversations.history</c> with <c>include_all_metadata</c> since <paramref name="oldest"/>: the <c>ts</c> of a message
    /// whose metadata has <paramref name="eventType"/> and the payload field <paramref name="field"/> equal to
    /// <paramref name="value"/>; null when none was posted (at most <paramref name="maxPages"/> pages are read; more throws).
    /// </summary>
    Task<string?> FindMessageByMetadataAsync(string channel, DateTimeOffset oldest, string eventType, string field, string value, int maxPages = 10, CancellationToken cancellationToken = default);

    /// <summary><c>chat.update</c>: replaces a message's text and blocks.</summary>
    Task<SlackMessage> UpdateMessageAsync(string channel, string ts, string text, JsonArray? blocks = null, CancellationToken cancellationToken = default);

    /// <summary><c>chat.delete</c>: removes a message the bot posted.</summary>
    Task DeleteMessageAsync(string channel, string ts, CancellationToken cancellationToken = default);

    /// <summary><c>chat.postEphemeral</c>: shows a message to one user in a channel.</summary>
    Task<SlackEphemeral> PostEphemeralAsync(string channel, string user, string text, JsonArray? blocks = null, string? threadTs = null, CancellationToken cancellationToken = default);

    /// <summary><c>views.open</c>: opens a modal in answer to an interaction's <paramref name="triggerId"/>.</summary>
    Task<SlackView> OpenViewAsync(string triggerId, JsonObject view, CancellationToken cancellationToken = default);

    /// <summary><c>views.publish</c>: publishes a user's App Home tab.</summary>
    Task<SlackView> PublishViewAsync(string userId, JsonObject view, string? hash = null, CancellationToken cancellationToken = default);

    /// <summary><c>conversations.open</c>: opens (or finds) the DM with <paramref name="users"/> and returns its channel id.</summary>
    Task<string> OpenConversationAsync(IReadOnlyCollection<string> users, CancellationToken cancellationToken = default);

    /// <summary><c>users.lookupByEmail</c>: the member with this email; throws with <c>users_not_found</c> when there is none.</summary>
    Task<SlackUser> LookupUserByEmailAsync(string email, CancellationToken cancellationToken = default);

    /// <summary><c>users.info</c>: a member by id.</summary>
    Task<SlackUser> GetUserInfoAsync(string userId, CancellationToken cancellationToken = default);
}
