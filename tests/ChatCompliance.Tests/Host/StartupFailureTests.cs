using System.Diagnostics;

namespace ChatCompliance.Tests.Host;

/// <summary>Bad storage settings stop the real process at start with one clear line and a non-zero exit.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task Unreachable_PostgreSQL_exits_non_zero_naming_the_setting()
    {
        var (exit, stderr) = await RunBotAsync(("ConnectionStrings__Postgres", "Host=127.0.0.1;Port=1;Database=nowhere;Username=u;Password=p;Timeout=3"));

        Assert.NotEqual(0, exit);
        Assert.Contains("ConnectionStrings:Postgres", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_PostgreSQL_connection_string_exits_non_zero_naming_the_setting()
    {
        var (exit, stderr) = await RunBotAsync(("ConnectionStrings__Postgres", "Host=;;==broken"));

        Assert.NotEqual(0, exit);
        Assert.Contains("ConnectionStrings:Postgres", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unwritable_data_folder_exits_non_zero_naming_the_setting()
    {
        var file = Path.GetTempFileName(); // a file where a folder should be: nobody can create a folder inside it
        try
        {
            var (exit, stderr) = await RunBotAsync(("Storage__DataDirectory", Path.Combine(file, "data")));

            Assert.NotEqual(0, exit);
            Assert.Contains("Storage:DataDirectory", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Exit, string Stderr)> RunBotAsync(params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet", [BotAssembly(), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Path.GetDirectoryName(BotAssembly())!,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the bot kept running with a bad setting instead of exiting");
        }

        return (process.ExitCode, await stderr + await stdout);
    }

    /// <summary>The bot's own build output, next to this test assembly's (same configuration).</summary>
    private static string BotAssembly()
    {
        var here = AppContext.BaseDirectory; // …/tests/ChatCompliance.Tests/bin/{Configuration}/net10.0/
        var root = here[..here.IndexOf($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}", StringComparison.Ordinal)];
        var relative = Path.GetRelativePath(Path.Combine(root, "tests", "ChatCompliance.Tests"), here);
        return Path.Combine(root, "bot", relative, "ChatCompliance.Bot.dll");
    }
}
