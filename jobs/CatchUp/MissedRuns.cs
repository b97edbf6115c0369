using Cronos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.CatchUp;

/// <summary>The stretch of time a job's run covers once, whatever the number of runs: its idempotency keys say the same.</summary>
public enum CatchUpPeriod
{
    /// <summary>The local day (reminders by the ladder's day, the audit countdown's step).</summary>
    Day,

    /// <summary>The local ISO week, from Monday (the weekly digest).</summary>
    Week,
}

/// <summary>A recurring job whose missed run is made up at start: its schedule, the zone it runs in, and its period.</summary>
/// <param name="Id">The recurring job's id.</param>
/// <param name="Cron">Its schedule.</param>
/// <param name="Zone">The zone the schedule is read in.</param>
/// <param name="Period">What one run covers.</param>
/// <param name="RunAsync">One run, in its own scope.</param>
public sealed record CatchUpJob(string Id, string Cron, TimeZoneInfo Zone, CatchUpPeriod Period, Func<IServiceProvider, CancellationToken, Task> RunAsync);

/// <summary>
/// Makes up, once, the runs that no instance made while none was running. A job whose schedule has come round in the
/// current period (today, this week) runs once at start: its idempotency keys (a chase step per task, due date and
/// person; an announcement per channel and step; a digest per channel and week) send what the missed ticks would have
/// sent, and nothing that a run before the gap already did. However many ticks were missed, it is one run; a job
/// whose time has not come yet in this period (the Monday digest at 08:00 on a Monday) waits for its schedule.
/// Hangfire's own catch-up on PostgreSQL (one run for all misfires) may run it as well: again, nothing twice.
/// </summary>
public static partial class MissedRuns
{
    /// <summary>Runs each job whose time came in this period; returns the ids run. A job that fails is logged, the others run.</summary>
    public static async Task<IReadOnlyList<string>> CatchUpAsync(IServiceProvider services, IEnumerable<CatchUpJob> jobs, CancellationToken cancellationToken = default)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MissedRuns));
        var ran = new List<string>();
        foreach (var job in jobs)
        {
            if (!CameInPeriod(job, now))
            {
                continue;
            }

            try
            {
                await using var scope = services.CreateAsyncScope();
                await job.RunAsync(scope.ServiceProvider, cancellationToken);
                ran.Add(job.Id);
                LogCaughtUp(logger, job.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Its next scheduled run tries again; the other jobs are made up regardless.
                LogCatchUpFailed(logger, job.Id, e);
            }
        }

        return ran;
    }

    /// <summary>True when the job's schedule had an occurrence between the start of the current period and now.</summary>
    public static bool CameInPeriod(CatchUpJob job, DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, job.Zone);
        var start = local.Date;
        if (job.Period == CatchUpPeriod.Week)
        {
            start = start.AddDays(-(((int)start.DayOfWeek + 6) % 7));
        }

        var from = new DateTimeOffset(start, job.Zone.GetUtcOffset(start));
        var format = job.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        var first = CronExpression.Parse(job.Cron, format).GetNextOccurrence(from, job.Zone, inclusive: true);
        return first is { } at && at <= now;
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Information, Message = "Recurring job {Id}: its run in this period was made up at start")]
    private static partial void LogCaughtUp(ILogger logger, string id);

    [LoggerMessage(EventId = 2411, Level = LogLevel.Warning, Message = "Recurring job {Id}: making up its missed run failed; its next scheduled run tries again")]
    private static partial void LogCatchUpFailed(ILogger logger, string id, Exception exception);
}
