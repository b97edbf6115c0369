namespace ChatCompliance.Jobs;

/// <summary>Settings of the Hangfire job server and dashboard.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Worker threads of this instance's job server.</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>
    /// PostgreSQL: how old a distributed lock must be before another instance may take it (Hangfire.PostgreSql renews
    /// no lock, so this also bounds how long a job under <c>DisableConcurrentExecution</c> is kept from running twice; the
    /// jobs are safe to re-run). A lock left by a killed instance holds its job back at most this long.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Cron expression of the heartbeat job.</summary>
    public string HeartbeatCron { get; set; } = "* * * * *";

    /// <summary>Cron expression (UTC) of the job that creates each period's evidence tasks from the controls' frequencies.</summary>
    public string TaskGenerationCron { get; set; } = "0 5 * * *";

    /// <summary>Cron expression (UTC) of the job that closes access reviews whose due date has passed.</summary>
    public string ReviewCompletionCron { get; set; } = "15 0 * * *";

    /// <summary>Cron expression (UTC) of the job that starts the next campaign of recurring access reviews.</summary>
    public string ReviewRecurrenceCron { get; set; } = "30 5 * * *";

    /// <summary>Cron expression (in the company's time zone, <c>Chaser:CompanyTimeZone</c>) of the weekly digest; default Monday 09:00.</summary>
    public string DigestCron { get; set; } = "0 9 * * 1";

    /// <summary>Cron expression (in the company's time zone, <c>Chaser:CompanyTimeZone</c>) of the daily audit announcements.</summary>
    public string AnnouncementCron { get; set; } = "0 8 * * *";

    /// <summary>Cron expression (UTC) of the job that anchors the audit trail's head outside the database; default hourly.</summary>
    public string AuditAnchorCron { get; set; } = "0 * * * *";

    /// <summary>
    /// Whether an instance makes up, at start, the reminders, announcements and digest that no instance sent while none
    /// ran (<see cref="CatchUp.MissedRuns"/>). On by default; a harness that drives the jobs itself at a chosen moment
    /// turns it off so a run from the start cannot race its own.
    /// </summary>
    public bool CatchUpAtStart { get; set; } = true;

    /// <summary>Links shown under the weekly digest (your GRC tool, the evidence folder …).</summary>
    public List<DigestLink> DigestLinks { get; set; } = [];

    /// <summary>An ASP.NET Core authorisation policy guarding <c>/hangfire</c>; empty means the host's default (a compliance lead or admin).</summary>
    public string? DashboardPolicy { get; set; }
}

/// <summary>A titled http(s) link for the weekly digest.</summary>
public sealed class DigestLink
{
    public string Title { get; set; } = "";

    public string Url { get; set; } = "";
}
