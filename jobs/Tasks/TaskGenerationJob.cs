using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Tasks;

/// <summary>
/// Daily (<c>Jobs:TaskGenerationCron</c>): creates the current period's evidence task for every monthly, quarterly and
/// annual control with an owner (once per control and period, whatever the state of the period's task, however often it
/// runs and on however many instances); each new task's card is queued for its owner with the task.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class TaskGenerationJob(EvidenceTaskService tasks, ComplianceDbContext db, TimeProvider time, ILogger<TaskGenerationJob> logger)
{
    public const string RecurringJobId = "evidence-tasks-generate";

    public async Task<int> RunAsync(CancellationToken cancellationToken) => (await GenerateAsync(cancellationToken)).Count;

    /// <summary>
    /// Creates the period's missing tasks (each with its owner's card queued in the same transaction) and returns them.
    /// A control whose task cannot be made is skipped and logged, the others go ahead, and the leads are told once.
    /// </summary>
    public async Task<IReadOnlyList<EvidenceTask>> GenerateAsync(CancellationToken cancellationToken)
    {
        var failures = new List<JobRowFailure>();
        var created = await tasks.GenerateForCurrentPeriodAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), failures, cancellationToken);
        await JobFailures.ReportAsync(db, logger, "task generation", failures, time.GetUtcNow(), cancellationToken);
        return created;
    }
}
