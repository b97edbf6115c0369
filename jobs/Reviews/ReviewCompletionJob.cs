using ChatCompliance.Core.Reviews;
using Hangfire;

namespace ChatCompliance.Jobs.Reviews;

/// <summary>
/// Daily: closes the access reviews whose due date has passed, with each campaign's rule for undecided accounts
/// (removals and summaries follow). Safe to re-run and on several instances: only a running campaign closes.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class ReviewCompletionJob(CampaignCompletion completion, TimeProvider time)
{
    public const string RecurringJobId = "access-reviews-close-due";

    public Task<int> RunAsync(CancellationToken cancellationToken) =>
        completion.CompleteDueAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), cancellationToken);
}
