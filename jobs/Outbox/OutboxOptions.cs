using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>How the outbox dispatcher claims, paces and retries its sends (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Run the dispatcher loop in this instance (the every-minute Hangfire job runs regardless).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the loop looks for due messages when nothing has nudged it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Rows claimed in one statement.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Claimed rows one instance holds at once (waiting for their pacing slot or being sent).</summary>
    [Range(1, 100_000)]
    public int MaxInFlight { get; set; } = 400;

    /// <summary>HTTP sends running at once in this instance.</summary>
    [Range(1, 1_000)]
    public int MaxConcurrentSends { get; set; } = 32;

    /// <summary>How long a claim keeps other instances off a row; renewed just before the row is sent.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>One send, after which it counts as failed (transient). Must be well under <see cref="ClaimDuration"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts (throttled ones not counted) before a message is dead-lettered.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry delay; later ones double, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A message whose send was cut off by a crash (sent or not: unknown) is dead-lettered and the leads alerted
    /// (false: at most once), or sent again (true: at least once, a possible duplicate).
    /// </summary>
    public bool ResendAfterCrash { get; set; }

    /// <summary>Teams: sends per app per tenant in any second (Teams: 50).</summary>
    [Range(1, 10_000)]
    public int TeamsTenantPerSecond { get; set; } = 50;

    /// <summary>Teams: sends per conversation in any 1 s, 2 s and 30 s (Teams: 7, 8, 60).</summary>
    [Range(1, 1_000)]
    public int TeamsConversationPerSecond { get; set; } = 7;

    [Range(1, 1_000)]
    public int TeamsConversationPerTwoSeconds { get; set; } = 8;

    [Range(1, 10_000)]
    public int TeamsConversationPerThirtySeconds { get; set; } = 60;

    /// <summary>Slack: least time between two posts to one channel (Slack: about 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan SlackChannelInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Slack: posts per workspace per minute (chat.postMessage's workspace-wide cap; Slack publishes no exact figure).</summary>
    [Range(1, 100_000)]
    public int SlackWorkspacePerMinute { get; set; } = 300;

    /// <summary>Added to every pacing window, so network jitter cannot squeeze a window's sends into less than the platform's window.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan PacingMargin { get; set; } = TimeSpan.FromMilliseconds(50);
}
