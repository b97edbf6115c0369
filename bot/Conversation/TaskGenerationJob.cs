using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Jobs;
using Hangfire;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// Daily: creates the current period's evidence task for every monthly, quarterly and annual control with an
/// owner (once per control and period, however often it runs and on however many instances), and sends each
/// new task's card to its owner.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
internal sealed class TaskGenerationJob(EvidenceTaskService tasks, TaskConversation conversation, TimeProvider time)
{
    public const string RecurringJobId = "evidence-tasks-generate";

    public async Task<int> RunAsync(CancellationToken cancellationToken) => (await GenerateAsync(cancellationToken)).Count;

    /// <summary>Creates the period's missing tasks, sends each owner their card, and returns the new tasks.</summary>
    public async Task<IReadOnlyList<EvidenceTask>> GenerateAsync(CancellationToken cancellationToken)
    {
        var created = await tasks.GenerateForCurrentPeriodAsync(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), cancellationToken);
        foreach (var task in created)
        {
            await conversation.NotifyAssignedAsync(task, cancellationToken);
        }

        return created;
    }

    /// <summary>Registers the job on its cron (<c>Jobs:TaskGenerationCron</c>), given to the start's recurring-job registration.</summary>
    public static Action<IRecurringJobManager> Registration(IServiceProvider services)
    {
        var cron = services.GetRequiredService<IOptions<JobsOptions>>().Value.TaskGenerationCron;
        return jobs => jobs.AddOrUpdate<TaskGenerationJob>(RecurringJobId, j => j.RunAsync(CancellationToken.None), cron);
    }
}
