using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Tasks;
using Hangfire;

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
public sealed class TaskGenerationJob(EvidenceTaskService tasks, ITaskAssignmentNotifier notifier, TimeProvider time)
{
    public const string RecurringJobId = "evidence-tasks-generate";

    public async Task<int> RunAsync(CancellationToken cancellationToken) => (await GenerateAsync(cancellationToken)).Count;

    /// <summary>Creates the period's missing tasks, sends each owner their card, and returns the new tasks.</summary>
    public async Task<IReadOnlyList<EvidenceTask>> GenerateAsync(CancellationToken cancellationToken)
    {
        var created = await tasks.GenerateForCurrentPeriodAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), cancellationToken);
        foreach (var task in created)
        {
            await notifier.NotifyAssignedAsync(task, cancellationToken);
        }

        return created;
    }
}
