using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Integrations.Http;

/// <summary>
/// How a chat platform's outbound client retries and times out (the Bot Connector's and the Slack Web API's sections
/// both hold these): one pipeline (<see cref="OutboundPipeline"/>) reads them. Each platform sets its own defaults.
/// </summary>
public abstract class OutboundCallOptions
{
    /// <summary>Retries after the first attempt (3 makes 4 attempts in all).</summary>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; }

    /// <summary>The longest computed backoff delay; a <c>Retry-After</c> from the platform is honoured as given.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryMaxDelay { get; set; }

    /// <summary>One attempt: the token and the HTTP exchange, not the wait for a rate-limit permit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A whole call: queueing for the rate limits, every attempt and the waits between them.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Calls that may wait for a permit (per conversation, channel, method or tenant) before further ones are refused.</summary>
    [Range(1, int.MaxValue)]
    public int RateLimitQueueLimit { get; set; } = 100_000;

    /// <summary>The retry settings as the pipeline takes them.</summary>
    internal OutboundRetry Retry => new(MaxRetryAttempts, RetryBaseDelay, RetryMaxDelay, AttemptTimeout);
}
