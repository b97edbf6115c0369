using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Reviews;

/// <summary>
/// Daily: starts the next campaign of each recurring access review whose next period has begun. A launch that fails
/// (Graph refused) leaves a draft with the reason, which the API shows and can launch again. A series that throws (bad
/// data, such as a campaign dated in the year 9999) is skipped and logged, the others go ahead, and the leads are told.
/// Then each series' delta state is kept alive for the next period (<see cref="PopulationDeltaKeeper"/>).
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 1800)]
public sealed class ReviewRecurrenceJob(CampaignLauncher launcher, PopulationDeltaKeeper deltas, ComplianceDbContext db, TimeProvider time, ILogger<ReviewRecurrenceJob> logger)
{
    public const string RecurringJobId = "access-reviews-recur";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<JobRowFailure>();
        var launched = (await launcher.LaunchDueRecurrencesAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), failures, cancellationToken)).Count(o => o.Succeeded);
        await deltas.KeepAsync(failures, cancellationToken);
        await JobFailures.ReportAsync(db, logger, "access-review recurrence", failures, time.GetUtcNow(), cancellationToken);
        return launched;
    }
}
