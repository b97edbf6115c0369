using ChatCompliance.Core.Chasing;
using Hangfire;

namespace ChatCompliance.Jobs.Chaser;

/// <summary>
/// Hourly (<c>Chaser:ChaseCron</c>): reminds and escalates open evidence tasks and running access reviews on the
/// chase ladder. Safe to re-run and on several instances: a step already queued for its task, due date and recipient
/// is never queued again.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class EvidenceChaserJob(EvidenceChaser chaser)
{
    public const string RecurringJobId = "evidence-chase";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var result = await chaser.ChaseAsync(cancellationToken);
        return result.TaskMessages + result.ReviewMessages;
    }
}
