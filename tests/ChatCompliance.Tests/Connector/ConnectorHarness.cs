using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ChatCompliance.Integrations.Teams;
using ChatCompliance.Integrations.Teams.Connector;
using ChatCompliance.Integrations.Teams.Protocol;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Connector;

/// <summary>
/// Two WireMock servers on 127.0.0.1 (the Entra token endpoint and a Bot Connector) and the container
/// <see cref="TeamsExtensions.AddTeams"/> builds against them from in-memory configuration.
/// </summary>
public sealed class ConnectorHarness : IAsyncDisposable
{
    public const string AppId = "1b5e8a3c-0000-4000-8000-00000000a11d";
    public const string AppPassword = "app-secret-never-logged";
    public const string TenantId = "72f988bf-0000-4000-8000-0000000000aa";
    public const string TokenPrefix = "token-value-";

    private int _tokensIssued;

    private ConnectorHarness(WireMockServer tokenServer, WireMockServer connector, ServiceProvider services, LogCapture logs)
    {
        ServiceUrl = LoopbackUrl(connector);
        TokenServer = tokenServer;
        Connector = connector;
        Services = services;
        Logs = logs;
    }

    public WireMockServer TokenServer { get; }

    public WireMockServer Connector { get; }

    public ServiceProvider Services { get; }

    public LogCapture Logs { get; }

    public IBotConnector Client => Services.GetRequiredService<IBotConnector>();

    /// <summary>The connector's base URL, as an activity's <c>serviceUrl</c> carries it.</summary>
    public string ServiceUrl { get; }

    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Every request the connector received, oldest first.</summary>
    public IReadOnlyList<ILogEntry> ConnectorRequests => [.. Connector.LogEntries.OrderBy(e => e.RequestMessage.DateTime)];

    public static ConnectorHarness Start(
        bool localMode = false,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        TimeSpan? tokenDelay = null)
    {
        var tokenServer = StartServer();
        var connector = StartServer();
        var config = new Dictionary<string, string?>
        {
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppId"] = localMode ? "" : AppId,
            ["MicrosoftAppPassword"] = localMode ? "" : AppPassword,
            ["MicrosoftAppTenantId"] = TenantId,
            ["Teams:TokenEndpoint"] = LoopbackUrl(tokenServer) + "/{tenant}/oauth2/v2.0/token",
            ["Teams:Connector:TotalTimeout"] = "00:00:30",
            ["Teams:AllowedServiceUrls:0"] = LoopbackUrl(connector) + "/",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(config);
        var logs = new LogCapture();
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        services?.Invoke(builder.Services);
        builder.AddTeams();

        var harness = new ConnectorHarness(tokenServer, connector, builder.Services.BuildServiceProvider(validateScopes: true), logs);
        harness.ServeTokens(tokenDelay ?? TimeSpan.FromMilliseconds(20));
        harness.ServeConnectorDefaults();
        return harness;
    }

    /// <summary>Teams' answer to a send: <c>{"id": …}</c>.</summary>
    public static IResponseBuilder Sent(string id = "1700000000001") =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""{"id":"{{id}}"}""");

    public static Activity Message(string text, string? tenantId = TenantId) => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        Conversation = tenantId is null ? null : new ConversationAccount { TenantId = tenantId },
    };

    public static CancellationToken Bounded(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static JsonElement BodyOf(ILogEntry entry) => JsonDocument.Parse(entry.RequestMessage.Body!).RootElement;

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers!.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

    public static int Status(ILogEntry entry) => Convert.ToInt32(entry.ResponseMessage.StatusCode, CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        TokenServer.Stop();
        Connector.Stop();
        TokenServer.Dispose();
        Connector.Dispose();
    }

    private static WireMockServer StartServer() => LoopbackWireMock.Start();

    private static string LoopbackUrl(WireMockServer server) => LoopbackWireMock.Url(server);

    private void ServeTokens(TimeSpan delay) =>
        LoopbackWireMock.ServeTokens(TokenServer, TokenPrefix, () => Interlocked.Increment(ref _tokensIssued), delay);

    private void ServeConnectorDefaults()
    {
        Connector.Given(Request.Create().WithPath("/*").UsingPost()).AtPriority(100).RespondWith(Sent());
        Connector.Given(Request.Create().WithPath("/*").UsingPut()).AtPriority(100).RespondWith(Sent());
        Connector.Given(Request.Create().WithPath("/*").UsingDelete()).AtPriority(100).RespondWith(Response.Create().WithStatusCode(200));
    }
}

/// <summary>Every log line written, with its level, so tests can check what reaches which level.</summary>
public sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.Entries.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " " + exception)));
    }
}
