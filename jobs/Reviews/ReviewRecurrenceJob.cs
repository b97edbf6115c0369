using ChatCompliance.Core.Reviews;
using Hangfire;

namespace ChatCompliance.Jobs.Reviews;

/// <summary>
/// Daily: starts the next campaign of each recurring access review whose next period has begun. A launch that fails
/// (Graph refused) leaves a draft with the reason, which the API shows and can launch again.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 1800)]
public sealed class ReviewRecurrenceJob(CampaignLauncher launcher, TimeProvider time)
{
    public const string RecurringJobId = "access-reviews-recur";

    public async Task<int> RunAsync(CancellationToken cancellationToken) =>
        (await launcher.LaunchDueRecurrencesAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), cancellationToken)).Count(o => o.Succeeded);
}
