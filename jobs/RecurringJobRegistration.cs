using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs;

/// <summary>
/// Registers the recurring jobs without letting a held lock stop the start. Each registration takes the job's
/// distributed lock; an instance killed while holding one (its scheduler was triggering that job) leaves it until
/// <see cref="JobsOptions.DistributedLockTimeout"/> runs out. A registration that fails is retried in the background,
/// with backoff, until it succeeds or the application stops; the start waits a moment, never for the lock.
/// </summary>
public static partial class RecurringJobRegistration
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs every registration (each on its own, so that one held lock does not hold up the others). Returns once all
    /// are done or after <paramref name="wait"/>; the rest go on in the background until <paramref name="stopping"/>.
    /// </summary>
    /// <returns>The background work: complete when every job is registered (or the application stops).</returns>
    public static async Task<Task> RegisterAsync(IRecurringJobManager jobs, IReadOnlyDictionary<string, Action<IRecurringJobManager>> registrations,
        ILogger logger, TimeSpan wait, CancellationToken stopping = default)
    {
        var all = Task.WhenAll(registrations.Select(r => Task.Run(() => RegisterWithRetryAsync(jobs, r.Key, r.Value, logger, stopping), CancellationToken.None)));
        if (await Task.WhenAny(all, Task.Delay(wait, CancellationToken.None)) == all)
        {
            await all; // a mistake of ours (an invalid cron expression) stops the start, as it always did
        }
        else
        {
            LogStillRegistering(logger, registrations.Count);
        }

        return all;
    }

    private static async Task RegisterWithRetryAsync(IRecurringJobManager jobs, string id, Action<IRecurringJobManager> register, ILogger logger, CancellationToken stopping)
    {
        var delay = FirstRetry;
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                register(jobs);
                if (attempt > 1)
                {
                    LogRegistered(logger, id, attempt);
                }

                return;
            }
            catch (Exception e) when (e is not ArgumentException)
            {
                // A lock left by a dead instance, or the store briefly away: try again, the start does not wait for it.
                LogRetrying(logger, id, attempt, delay, e);
            }

            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 < LongestRetry ? delay * 2 : LongestRetry;
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "Recurring job {Id} could not be registered (attempt {Attempt}); retrying in {Delay}")]
    private static partial void LogRetrying(ILogger logger, string id, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Recurring job {Id} registered after {Attempt} attempts")]
    private static partial void LogRegistered(ILogger logger, string id, int attempt);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "Some of the {Count} recurring jobs are not registered yet (a lock is held, perhaps by an instance that died); starting anyway, they are retried in the background")]
    private static partial void LogStillRegistering(ILogger logger, int count);
}
