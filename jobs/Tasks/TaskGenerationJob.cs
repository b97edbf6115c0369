using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Tasks;

/// <summary>Tells a new task's owner about it (the host's chat: their card on every platform they use); false when they can't be reached yet.</summary>
public interface ITaskAssignmentNotifier
{
    Task<bool> NotifyAssignedAsync(EvidenceTask task, CancellationToken cancellationToken);
}

/// <summary>
/// Daily (<c>Jobs:TaskGenerationCron</c>): creates the current period's evidence task for every monthly, quarterly and
/// annual control with an owner (once per control and period, whatever the state of the period's task, however often it
/// runs and on however many instances), and sends each new task's card to its owner.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class TaskGenerationJob(EvidenceTaskService tasks, ITaskAssignmentNotifier notifier, ComplianceDbContext db, TimeProvider time, ILogger<TaskGenerationJob> logger)
{
    public const string RecurringJobId = "evidence-tasks-generate";

    public async Task<int> RunAsync(CancellationToken cancellationToken) => (await GenerateAsync(cancellationToken)).Count;

    /// <summary>
    /// Creates the period's missing tasks, sends each owner their card, and returns the new tasks. A control whose task
    /// cannot be made, or an owner who cannot be told, is skipped and logged, the others go ahead, and the leads are told once.
    /// </summary>
    public async Task<IReadOnlyList<EvidenceTask>> GenerateAsync(CancellationToken cancellationToken)
    {
        var failures = new List<JobRowFailure>();
        var created = await tasks.GenerateForCurrentPeriodAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), failures, cancellationToken);
        foreach (var task in created)
        {
            try
            {
                await notifier.NotifyAssignedAsync(task, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(new JobRowFailure($"telling the owner of task {task.Title}", e.Message));
            }
        }

        await JobFailures.ReportAsync(db, logger, "task generation", failures, time.GetUtcNow(), cancellationToken);
        return created;
    }
}
