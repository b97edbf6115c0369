using System.ComponentModel.DataAnnotations;
using ChatCompliance.Integrations.Http;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// The Slack app's credentials and how its Web API client retries and paces calls. <see cref="BotToken"/> and
/// <see cref="SigningSecret"/> fall back to Bolt's environment variables <c>SLACK_BOT_TOKEN</c> and <c>SLACK_SIGNING_SECRET</c>.
/// </summary>
public sealed class SlackOptions : OutboundCallOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Slack";

    /// <summary>Bolt's name for the bot token, read from the configuration root when the section has none.</summary>
    public const string BotTokenVariable = "SLACK_BOT_TOKEN";

    /// <summary>Bolt's name for the signing secret, read from the configuration root when the section has none.</summary>
    public const string SigningSecretVariable = "SLACK_SIGNING_SECRET";

    /// <summary>Slack's defaults: backoff from half a second up to 30 s.</summary>
    public SlackOptions()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(500);
        RetryMaxDelay = TimeSpan.FromSeconds(30);
    }

    /// <summary>The bot user OAuth token (<c>xoxb-…</c>); never logged.</summary>
    public string? BotToken { get; set; }

    /// <summary>Verifies inbound requests from Slack; never logged.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>
    /// The workspace (team id, <c>T…</c>) the app is installed in: a signed request naming another workspace is refused
    /// (403) and stores nothing. Required in Production when a signing secret is set; elsewhere, when empty, any workspace is accepted and the start says so.
    /// </summary>
    public string? TeamId { get; set; }

    /// <summary>
    /// The Slack app's id (<c>A…</c>, Basic Information → App ID): a signed request whose <c>api_app_id</c> is another app's
    /// is refused (403). Required in Production when a signing secret is set; elsewhere, when empty, any app is accepted and the start says so.
    /// </summary>
    public string? AppId { get; set; }

    /// <summary>
    /// Accept signed requests from any workspace and app in Production too, when <see cref="TeamId"/> and
    /// <see cref="AppId"/> are not both set: an explicit choice (an app distributed to many workspaces, a load test), as
    /// <c>Teams:AllowAllTenants</c> is on Teams. The start still warns that the origin is not checked.
    /// </summary>
    public bool AllowAnyWorkspace { get; set; }

    /// <summary>The Web API base URL; configurable so tests can stand in for Slack.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>The least time between two <c>chat.postMessage</c> calls to one channel (Slack: about one a second).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PostMessageInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a request from a Slack user not yet linked to a person waits for <c>users.info</c> (permit and call)
    /// before the bot says it could not confirm who they are; inside Slack's 3-second acknowledgement.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:02.500")]
    public TimeSpan IdentityTimeout { get; set; } = TimeSpan.FromSeconds(2);

}
