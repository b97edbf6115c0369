using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Chaser;

/// <summary>
/// Hourly (<c>Chaser:ChaseCron</c>): reminds and escalates open evidence tasks and running access reviews on the
/// chase ladder. Safe to re-run and on several instances: a step already queued for its task, due date and recipient
/// is never queued again. A task or review that throws is skipped and logged, the others are chased, and the leads are told.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class EvidenceChaserJob(EvidenceChaser chaser, ComplianceDbContext db, TimeProvider time, ILogger<EvidenceChaserJob> logger)
{
    public const string RecurringJobId = "evidence-chase";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<JobRowFailure>();
        var result = await chaser.ChaseAsync(failures, cancellationToken);
        await JobFailures.ReportAsync(db, logger, "evidence chase", failures, time.GetUtcNow(), cancellationToken);
        return result.TaskMessages + result.ReviewMessages;
    }
}
