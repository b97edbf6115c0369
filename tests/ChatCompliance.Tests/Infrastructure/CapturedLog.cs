using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>One line the app logged.</summary>
public sealed record LogLine(string Category, LogLevel Level, string Message);

/// <summary>Every line an app logs (register it as an <see cref="ILoggerProvider"/>), to read what a person running it would see.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _entries = new();

    public IReadOnlyList<LogLine> Entries => [.. _entries];

    /// <summary>The warnings and errors logged since the last <see cref="Clear"/>, one line each.</summary>
    public IReadOnlyList<string> Problems() =>
        [.. _entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message}")];

    /// <summary>Forgets what was logged so far (a start's own notices, when they are not what a test measures).</summary>
    public void Clear() => _entries.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogLine(category, logLevel, formatter(state, exception) + (exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")));
    }
}
