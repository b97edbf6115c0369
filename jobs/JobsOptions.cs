namespace ChatCompliance.Jobs;

/// <summary>Settings of the Hangfire job server and dashboard.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Worker threads of this instance's job server.</summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>Cron expression of the heartbeat job.</summary>
    public string HeartbeatCron { get; set; } = "* * * * *";

    /// <summary>Cron expression (UTC) of the job that creates each period's evidence tasks from the controls' frequencies.</summary>
    public string TaskGenerationCron { get; set; } = "0 5 * * *";

    /// <summary>Cron expression (UTC) of the job that closes access reviews whose due date has passed.</summary>
    public string ReviewCompletionCron { get; set; } = "15 0 * * *";

    /// <summary>An ASP.NET Core authorisation policy guarding <c>/hangfire</c>; empty means loopback requests only.</summary>
    public string? DashboardPolicy { get; set; }
}
