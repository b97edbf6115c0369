using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// Records, while <see cref="Recording"/>, what EF Core reports through its <see cref="DiagnosticListener"/>: every
/// command (start, duration, text) and when SaveChanges began and ended. Enough to split a launch into the work
/// before the first outbox lookup, the enqueue loop, and the save, without touching the code under test.
/// </summary>
internal sealed class EfTimeline : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly IDisposable _subscription;
    private readonly List<IDisposable> _listeners = [];
    private readonly Lock _gate = new();

    public EfTimeline() => _subscription = DiagnosticListener.AllListeners.Subscribe(this);

    public bool Recording { get; set; }

    public List<Command> Commands { get; } = [];

    public long? SaveStarted { get; private set; }

    public long? SaveCompleted { get; private set; }

    public void Clear()
    {
        lock (_gate)
        {
            Commands.Clear();
            SaveStarted = SaveCompleted = null;
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_gate)
            {
                _listeners.Add(value.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (!Recording)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (value.Value is CommandExecutedEventData executed)
            {
                Commands.Add(new Command(now - (long)(executed.Duration.TotalSeconds * Stopwatch.Frequency), executed.Duration, executed.Command.CommandText));
            }
            else if (value.Key == CoreEventId.SaveChangesStarting.Name)
            {
                SaveStarted ??= now;
            }
            else if (value.Key == CoreEventId.SaveChangesCompleted.Name)
            {
                SaveCompleted = now;
            }
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _subscription.Dispose();
        lock (_gate)
        {
            _listeners.ForEach(l => l.Dispose());
        }
    }

    /// <summary>One database command: when it started (a <see cref="Stopwatch"/> timestamp), how long it took, its SQL.</summary>
    internal sealed record Command(long Started, TimeSpan Duration, string Text)
    {
        /// <summary>The table a command writes to or reads from first, as far as its SQL shows.</summary>
        public string Table
        {
            get
            {
                foreach (var marker in new[] { "INSERT INTO ", "UPDATE ", "FROM " })
                {
                    var at = Text.IndexOf(marker, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        var rest = Text.AsSpan(at + marker.Length).TrimStart('"');
                        var end = rest.IndexOfAny('"', ' ', '\n');
                        return $"{marker.Trim()} {(end < 0 ? rest : rest[..end])}";
                    }
                }

                return Text.Length > 40 ? Text[..40] : Text;
            }
        }
    }
}
