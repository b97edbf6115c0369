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

    /// <summary>
    /// How long a claim keeps other instances off a row without a heartbeat: while this instance runs it renews its
    /// claims every third of this, so a crashed instance's rows pass to another within this (plus one poll).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// How far ahead a claimed row may wait for its pacing slot: a row whose slot is further away is put back for any
    /// instance to take (claims stay a few seconds of the tenant's budget, so every instance sends a share).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ClaimAhead { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A send cut off by a crash that the platform cannot be asked about (Teams; Slack only when the channel's history
    /// cannot be read): it may or may not have arrived. What to do, by message kind (an entry matches the kind itself and every kind under it: <c>review</c> matches <c>review.request</c>).
    /// The longest matching entry wins; a kind no entry matches is held.
    /// </summary>
    public Dictionary<string, InDoubtPolicy> InDoubt { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["chase"] = InDoubtPolicy.Resend,
        ["audit"] = InDoubtPolicy.Resend,
        ["digest"] = InDoubtPolicy.Resend,
        ["job"] = InDoubtPolicy.Resend,
        ["outbox"] = InDoubtPolicy.Resend,
        ["question.answer"] = InDoubtPolicy.Resend,
        ["reply"] = InDoubtPolicy.Resend,
        ["review"] = InDoubtPolicy.Hold,
        ["task"] = InDoubtPolicy.Hold,
        ["question.hand-off"] = InDoubtPolicy.Hold,
    };

    /// <summary>How long after the last dead-lettered or in-doubt message the incident is summarised to the leads (one card).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan IncidentQuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The policy for a Teams message of <paramref name="kind"/> whose send a crash cut off.</summary>
    public InDoubtPolicy InDoubtPolicyFor(string kind)
    {
        var best = -1;
        var policy = InDoubtPolicy.Hold;
        foreach (var (prefix, value) in InDoubt)
        {
            var matches = kind.Equals(prefix, StringComparison.OrdinalIgnoreCase)
                || (kind.Length > prefix.Length && kind.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && kind[prefix.Length] == '.');
            if (matches && prefix.Length > best)
            {
                (best, policy) = (prefix.Length, value);
            }
        }

        return policy;
    }

    /// <summary>One send, after which it counts as failed (transient).</summary>
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
    /// A send that timed out (it may have arrived) is dead-lettered and reported (false: at most once), or retried
    /// (true: at least once, a possible duplicate). Sends cut off by a crash follow <see cref="InDoubt"/> (Teams)
    /// or are looked up in the channel's history (Slack) instead.
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

    /// <summary>Slack: card updates per workspace per minute (chat.update is a Tier 3 method: 50 a minute and bursts).</summary>
    [Range(1, 100_000)]
    public int SlackUpdatesPerMinute { get; set; } = 50;

    /// <summary>Added to every pacing window, so network jitter cannot squeeze a window's sends into less than the platform's window.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan PacingMargin { get; set; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>What to do with a message that may or may not have arrived.</summary>
public enum InDoubtPolicy
{
    /// <summary>Hold it (dead-lettered) for a lead, who can resend it from the incident card: at most once.</summary>
    Hold,
    /// <summary>Send it again: at least once, a possible duplicate.</summary>
    Resend,
}
