using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatCompliance.Tests.Infrastructure;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// The real bot (its own build output) serving on 127.0.0.1 at a free port, as a process of its own that a test can
/// kill outright. Disposing kills it too, so a failing test never leaves one running.
/// </summary>
internal sealed class BotServer : IDisposable
{
    /// <summary>ASP.NET Core's address settings as environment variables; none is inherited from the test run.</summary>
    private static readonly string[] AddressVariables =
        ["ASPNETCORE_URLS", "DOTNET_URLS", "URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_HTTP_PORTS", "DOTNET_HTTPS_PORTS", "HTTP_PORTS", "HTTPS_PORTS"];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private BotServer(IReadOnlyDictionary<string, string> environment, AddressGivenBy addressGivenBy)
    {
        Url = $"http://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet", [BotProcess.Assembly(), .. addressGivenBy == AddressGivenBy.UrlsArgument ? ["--urls", Url] : Array.Empty<string>()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(BotProcess.Assembly())!,
        };
        foreach (var name in AddressVariables)
        {
            start.Environment.Remove(name);
        }

        // Outside Development the audit trail needs its MAC key; a test that gives keys of its own gets only those.
        var keys = environment.Keys.Any(k => k.StartsWith("Audit__Keys", StringComparison.OrdinalIgnoreCase)) ? [] : TestAuditKeys.Environment;
        foreach (var (name, value) in keys.Concat(environment))
        {
            start.Environment[name] = value;
        }

        switch (addressGivenBy)
        {
            case AddressGivenBy.AspNetCoreUrls:
                start.Environment["ASPNETCORE_URLS"] = Url;
                break;
            case AddressGivenBy.DotnetUrls:
                start.Environment["DOTNET_URLS"] = Url;
                break;
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Url { get; }

    /// <summary>The start of every outbox claim this process makes (its job server's name: machine, process id, then a random part).</summary>
    public string ClaimPrefix => $"{Environment.MachineName}-{_process.Id}-".ToLowerInvariant();

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>How the server is told its address (a free port on 127.0.0.1).</summary>
    public enum AddressGivenBy
    {
        AspNetCoreUrls,
        DotnetUrls,
        UrlsArgument,
    }

    /// <summary>Starts the bot and waits (at most 60 s) until <c>/healthz</c> answers.</summary>
    public static async Task<BotServer> StartAsync(IReadOnlyDictionary<string, string> environment, AddressGivenBy addressGivenBy = AddressGivenBy.AspNetCoreUrls)
    {
        var server = new BotServer(environment, addressGivenBy);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                Assert.False(server._process.HasExited, $"The bot exited with {(server._process.HasExited ? server._process.ExitCode : 0)}:\n{server.Output}");
                Assert.True(DateTime.UtcNow < deadline, $"The bot did not answer /healthz within 60 s:\n{server.Output}");
                try
                {
                    using var response = await http.GetAsync(new Uri($"{server.Url}/healthz"));
                    if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                catch (TaskCanceledException)
                {
                    // busy starting
                }

                await Task.Delay(100);
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>A hard kill: no shutdown, no finally blocks, sends cut off wherever they are.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
