using System.ComponentModel.DataAnnotations;
using ChatCompliance.Integrations.Http;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// How the Bot Connector client retries, times out and paces its calls. The rate limits default to
/// Teams' published per-bot limits; lower them, never raise them.
/// </summary>
public sealed class BotConnectorOptions : OutboundCallOptions
{
    /// <summary>Section under <see cref="TeamsOptions.SectionName"/>.</summary>
    public const string SectionName = TeamsOptions.SectionName + ":Connector";

    /// <summary>Teams' defaults: backoff from 200 ms up to 10 s.</summary>
    public BotConnectorOptions()
    {
        RetryBaseDelay = TimeSpan.FromMilliseconds(200);
        RetryMaxDelay = TimeSpan.FromSeconds(10);
    }

    /// <summary>Sends per conversation in any 1 second (Teams: 7).</summary>
    [Range(1, 1000)]
    public int ConversationPerSecond { get; set; } = 7;

    /// <summary>Sends per conversation in any 2 seconds (Teams: 8).</summary>
    [Range(1, 1000)]
    public int ConversationPerTwoSeconds { get; set; } = 8;

    /// <summary>Sends per conversation in any 30 seconds (Teams: 60).</summary>
    [Range(1, 10000)]
    public int ConversationPerThirtySeconds { get; set; } = 60;

    /// <summary>Calls per tenant in any 1 second (Teams: 50 per app per tenant).</summary>
    [Range(1, 10000)]
    public int TenantPerSecond { get; set; } = 50;

}
