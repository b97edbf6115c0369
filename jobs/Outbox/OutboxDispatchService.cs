using ChatCompliance.Core.Outbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>
/// The dispatcher loop of this instance: messages go out within a poll interval of their commit (at once when the
/// committing code nudges <see cref="OutboxSignal"/>). The every-minute <see cref="OutboxDispatchJob"/> is the backstop.
/// </summary>
internal sealed partial class OutboxDispatchService(OutboxDispatcher dispatcher, IOptions<OutboxOptions> options, ILogger<OutboxDispatchService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await Task.Yield(); // let the host finish starting
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await dispatcher.RunAsync(untilIdle: false, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The store failed (out of connections, restarting): a failed BackgroundService would stop the whole host.
                LogLoopFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 2114, Level = LogLevel.Warning, Message = "The outbox loop failed; it starts again in a second")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}

/// <summary>
/// Every minute: sends what is due, until nothing is, for at most a minute. With the loop running this finds little;
/// it keeps the outbox moving if the loop is disabled (<c>Outbox:Enabled</c>) or has stopped.
/// </summary>
internal sealed class OutboxDispatchJob(OutboxDispatcher dispatcher)
{
    public const string RecurringJobId = "outbox-dispatch";

    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(TimeSpan.FromSeconds(55));
        return await dispatcher.RunAsync(untilIdle: true, budget.Token);
    }
}
