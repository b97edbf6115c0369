using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Integrations.Teams.Connector;

/// <summary>
/// How the Bot Connector client retries, times out and paces its calls. The rate limits default to
/// Teams' published per-bot limits; lower them, never raise them.
/// </summary>
public sealed class BotConnectorOptions
{
    /// <summary>Section under <see cref="TeamsOptions.SectionName"/>.</summary>
    public const string SectionName = TeamsOptions.SectionName + ":Connector";

    /// <summary>Retries after the first attempt (3 makes 4 attempts in all).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest computed backoff delay; a <c>Retry-After</c> from Teams is honoured as given.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>One attempt: the token and the HTTP exchange, not the wait for a rate-limit permit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A whole call: queueing for the rate limits, every attempt and the waits between them.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

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

    /// <summary>Calls that may wait for a permit per conversation or tenant before further ones are refused.</summary>
    [Range(1, int.MaxValue)]
    public int RateLimitQueueLimit { get; set; } = 100_000;
}
