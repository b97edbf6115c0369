using System.Diagnostics;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>Runs the real bot program (its own build output) as a process, bounded in time.</summary>
public static class BotProcess
{
    public sealed record Result(int Exit, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet", [Assembly(), .. arguments])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(Assembly())!,
        };
        // Outside Development the audit trail needs its MAC key; a test that gives keys of its own gets only those.
        environment ??= new Dictionary<string, string>();
        var keys = environment.Keys.Any(k => k.StartsWith("Audit__Keys", StringComparison.OrdinalIgnoreCase)) ? [] : TestAuditKeys.Environment;
        foreach (var (name, value) in keys.Concat(environment))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bot {string.Join(' ', arguments)} did not finish in 90 s");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The bot's own build output, next to this test assembly's (same configuration).</summary>
    public static string Assembly()
    {
        var here = AppContext.BaseDirectory; // …/tests/ChatCompliance.Tests/bin/{Configuration}/net10.0/
        var marker = $"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}";
        var root = here[..here.LastIndexOf(marker, StringComparison.Ordinal)];
        var relative = Path.GetRelativePath(Path.Combine(root, "tests", "ChatCompliance.Tests"), here);
        return Path.Combine(root, "bot", relative, "ChatCompliance.Bot.dll");
    }
}
