using System.Collections.Concurrent;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// The started bot's console log, tallied: every warning, error and critical line (start, warm-up and run) by its
/// category, so a load run says whether it left anything in the log an operator would have to read.
/// </summary>
internal static class BotLog
{
    private static readonly ConcurrentDictionary<string, int> Problems = new(StringComparer.Ordinal);

    public static void Read(string? line)
    {
        if (line is not null && (line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal)))
        {
            Problems.AddOrUpdate(line.Trim(), 1, (_, count) => count + 1);
        }
    }

    public static string Report() => Problems.IsEmpty
        ? "bot log: no warning or error"
        : "bot log: " + string.Join("; ", Problems.OrderByDescending(p => p.Value).Select(p => $"{p.Value} × {p.Key}"));
}
