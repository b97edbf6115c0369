using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Heartbeat;

/// <summary>A recurring no-op whose last run, kept by Hangfire, proves the job server is working.</summary>
public sealed partial class HeartbeatJob(TimeProvider time, ILogger<HeartbeatJob> logger)
{
    public const string RecurringJobId = "heartbeat";

    public Task RunAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LogBeat(logger, time.GetUtcNow());
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Heartbeat at {At:O}")]
    private static partial void LogBeat(ILogger logger, DateTimeOffset at);
}
