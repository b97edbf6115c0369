using ChatCompliance.Tests.Infrastructure;

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

    [Fact]
    public async Task An_admin_api_authority_without_an_audience_exits_non_zero_naming_the_setting()
    {
        var data = Directory.CreateTempSubdirectory("cc-start-").FullName;
        try
        {
            var (exit, stderr) = await RunBotAsync(("Storage__DataDirectory", data), ("AdminApi__Authority", "https://login.microsoftonline.com/tenant/v2.0"));

            Assert.NotEqual(0, exit);
            Assert.Contains("AdminApi:Audience is required", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(int Exit, string Stderr)> RunBotAsync(params (string Name, string Value)[] environment)
    {
        var result = await BotProcess.RunAsync(["--urls", "http://127.0.0.1:0"], environment.ToDictionary(e => e.Name, e => e.Value));
        return (result.Exit, result.Stderr + result.Stdout);
    }
}
