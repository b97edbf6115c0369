using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Tests.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatCompliance.Tests.SlackWebApi;

/// <summary>A WireMock server on 127.0.0.1 standing in for slack.com/api, and the container <see cref="SlackExtensions.AddSlack"/> builds against it.</summary>
public sealed class SlackWebApiHarness : IAsyncDisposable
{
    public const string BotToken = "test-bot-token-never-logged";

    private SlackWebApiHarness(WireMockServer slack, ServiceProvider services, LogCapture logs)
    {
        Slack = slack;
        Services = services;
        Logs = logs;
    }

    public WireMockServer Slack { get; }

    public ServiceProvider Services { get; }

    public LogCapture Logs { get; }

    public ISlackWebApi Client => Services.GetRequiredService<ISlackWebApi>();

    /// <summary>Every request Slack received, oldest first.</summary>
    public IReadOnlyList<ILogEntry> Requests => [.. Slack.LogEntries.OrderBy(e => e.RequestMessage.DateTime)];

    public static SlackWebApiHarness Start(IDictionary<string, string?>? settings = null)
    {
        var slack = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"] });
        var config = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = BotToken,
            ["Slack:SigningSecret"] = "signing-secret",
            ["Slack:TeamId"] = "T1",
            ["Slack:AppId"] = "A1",
            ["Slack:ApiBaseUrl"] = $"http://127.0.0.1:{slack.Port}/api/",
            ["Slack:RetryBaseDelay"] = "00:00:00.050",
            ["Slack:TotalTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(config);
        var logs = new LogCapture();
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.AddSlack();
        return new SlackWebApiHarness(slack, builder.Services.BuildServiceProvider(validateScopes: true), logs);
    }

    /// <summary>Answers <paramref name="method"/> with <paramref name="json"/> (HTTP 200).</summary>
    public void Answer(string method, string json, int priority = 10) =>
        Slack.Given(Request.Create().WithPath("/api/" + method)).AtPriority(priority).RespondWith(Ok(json));

    public static IResponseBuilder Ok(string json) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(json);

    public static IResponseBuilder Posted(string channel, string ts) =>
        Ok($$$"""{"ok":true,"channel":"{{{channel}}}","ts":"{{{ts}}}","message":{"text":"hi"}}""");

    public static CancellationToken Bounded(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static JsonElement BodyOf(ILogEntry entry) => JsonDocument.Parse(entry.RequestMessage.Body!).RootElement;

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers!.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

    public static int Status(ILogEntry entry) => Convert.ToInt32(entry.ResponseMessage.StatusCode, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Slack.Stop();
        Slack.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
