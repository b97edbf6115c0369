using System.Threading.Channels;

namespace ChatCompliance.Bot.Slack;

/// <summary>
/// Work acknowledged to Slack and done after: Slack wants an answer within 3 seconds, so endpoints queue
/// the slow part (answering, posting through the Web API) here, and one background service drains it.
/// </summary>
internal sealed partial class SlackWorkQueue(IServiceScopeFactory scopes, ILogger<SlackWorkQueue> logger) : BackgroundService
{
    private readonly Channel<Func<IServiceProvider, CancellationToken, Task>> _work =
        Channel.CreateBounded<Func<IServiceProvider, CancellationToken, Task>>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });

    public ValueTask EnqueueAsync(Func<IServiceProvider, CancellationToken, Task> work, CancellationToken cancellationToken = default) =>
        _work.Writer.WriteAsync(work, cancellationToken);

    /// <summary>Queues optional work without ever waiting: when the queue is full it is dropped (and done another time).</summary>
    public bool TryEnqueue(Func<IServiceProvider, CancellationToken, Task> work) => _work.Writer.TryWrite(work);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await work(scope.ServiceProvider, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 3300, Level = LogLevel.Error, Message = "Slack background work failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>Event ids Slack already delivered, so its retries are handled once (kept for an hour).</summary>
internal sealed class SlackEventIds(TimeProvider time)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>True the first time an id is seen.</summary>
    public bool TryClaim(string eventId)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_seen.Count > 10_000)
            {
                foreach (var old in _seen.Where(p => now - p.Value > TimeSpan.FromHours(1)).Select(p => p.Key).ToList())
                {
                    _seen.Remove(old);
                }
            }

            return _seen.TryAdd(eventId, now);
        }
    }
}
