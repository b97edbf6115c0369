using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Reviews;

/// <summary>
/// Daily: closes the access reviews whose due date has passed, with each campaign's rule for undecided accounts
/// (removals and summaries follow). Safe to re-run and on several instances: only a running campaign closes. A campaign
/// that throws is skipped and logged, the others close, and the leads are told.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class ReviewCompletionJob(CampaignCompletion completion, ComplianceDbContext db, TimeProvider time, ILogger<ReviewCompletionJob> logger)
{
    public const string RecurringJobId = "access-reviews-close-due";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<JobRowFailure>();
        var closed = await completion.CompleteDueAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), failures, cancellationToken);
        await JobFailures.ReportAsync(db, logger, "access-review closing", failures, time.GetUtcNow(), cancellationToken);
        return closed;
    }
}
