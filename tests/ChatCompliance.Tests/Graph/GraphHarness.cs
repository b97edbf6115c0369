using System.Text.Json.Nodes;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Integrations.Graph;
using ChatCompliance.Tests.Connector;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Graph;

/// <summary>
/// Two WireMock servers on 127.0.0.1, the Entra token endpoint and Microsoft Graph (under <c>/v1.0</c>), and the
/// container <see cref="GraphExtensions.AddGraphDirectory"/> builds against them from in-memory configuration.
/// </summary>
public sealed class GraphHarness : IAsyncDisposable
{
    public const string TenantId = "72f988bf-0000-4000-8000-0000000000bb";
    public const string ClientId = "5d1e8a3c-0000-4000-8000-00000000c11d";
    public const string ClientSecret = "graph-secret-never-logged";
    public const string TokenPrefix = "graph-token-";

    private readonly HttpClient _batchForwarder;
    private int _tokensIssued;

    private GraphHarness(WireMockServer tokenServer, WireMockServer graph, ServiceProvider services, LogCapture logs)
    {
        TokenServer = tokenServer;
        Graph = graph;
        Services = services;
        Logs = logs;
        BaseUrl = $"http://127.0.0.1:{graph.Port}/v1.0";
        _batchForwarder = new HttpClient { BaseAddress = new Uri(BaseUrl + "/") };
    }

    public WireMockServer TokenServer { get; }

    public WireMockServer Graph { get; }

    public ServiceProvider Services { get; }

    public LogCapture Logs { get; }

    /// <summary>Graph's root as configured, e.g. <c>http://127.0.0.1:PORT/v1.0</c>.</summary>
    public string BaseUrl { get; }

    public IAccessDirectory Directory => Services.GetRequiredService<IAccessDirectory>();

    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Every request Graph received, oldest first.</summary>
    public IReadOnlyList<ILogEntry> GraphRequests => [.. Graph.LogEntries.OrderBy(e => e.RequestMessage.DateTime)];

    public static GraphHarness Start(IDictionary<string, string?>? settings = null)
    {
        var tokenServer = LoopbackWireMock.Start();
        var graph = LoopbackWireMock.Start();
        var config = new Dictionary<string, string?>
        {
            ["Graph:TenantId"] = TenantId,
            ["Graph:ClientId"] = ClientId,
            ["Graph:ClientSecret"] = ClientSecret,
            ["Graph:BaseUrl"] = $"http://127.0.0.1:{graph.Port}/v1.0",
            ["Graph:TokenEndpoint"] = $"http://127.0.0.1:{tokenServer.Port}/{{tenant}}/oauth2/v2.0/token",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(config);
        var logs = new LogCapture();
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.AddGraphDirectory();

        var harness = new GraphHarness(tokenServer, graph, builder.Services.BuildServiceProvider(validateScopes: true), logs);
        LoopbackWireMock.ServeTokens(tokenServer, TokenPrefix, () => Interlocked.Increment(ref harness._tokensIssued), TimeSpan.FromMilliseconds(1));
        harness.ServeBatches();
        return harness;
    }

    /// <summary>Every JSON <c>$batch</c> received, oldest first, as the request ids and URLs it carried.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Batches => [.. RequestsTo("/$batch", "POST").Select(e =>
        (IReadOnlyList<string>)[.. JsonNode.Parse(e.RequestMessage.Body!)!["requests"]!.AsArray().Select(r => Uri.UnescapeDataString((string)r!["url"]!))])];

    /// <summary>
    /// Graph's JSON <c>$batch</c> as Graph answers it: each request inside is sent to this same server (so the stubs of
    /// single requests answer it, and appear in <see cref="GraphRequests"/>), and the answers are returned together with
    /// their status, headers and body. At priority 40, so a test can answer <c>$batch</c> itself at a higher one.
    /// </summary>
    private void ServeBatches()
    {
        var http = _batchForwarder;
        Graph.Given(Request.Create().WithPath("/v1.0/$batch").UsingPost()).AtPriority(40).RespondWith(Response.Create().WithCallback(async request =>
        {
            var responses = new JsonArray();
            foreach (var inner in JsonNode.Parse(request.Body!)!["requests"]!.AsArray())
            {
                using var forwarded = new HttpRequestMessage(new HttpMethod((string)inner!["method"]!), ((string)inner["url"]!).TrimStart('/'));
                using var answer = await http.SendAsync(forwarded);
                var headers = new JsonObject();
                foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
                {
                    headers[name] = string.Join(",", values);
                }

                var text = await answer.Content.ReadAsStringAsync();
                responses.Add(new JsonObject
                {
                    ["id"] = (string)inner["id"]!,
                    ["status"] = (int)answer.StatusCode,
                    ["headers"] = headers,
                    ["body"] = text.Length == 0 ? null : JsonNode.Parse(text),
                });
            }

            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData
                {
                    BodyAsString = new JsonObject { ["responses"] = responses }.ToJsonString(),
                    DetectedBodyType = WireMock.Types.BodyType.String,
                },
            };
        }));
    }

    /// <summary>Answers GETs of <paramref name="path"/> (under /v1.0) with <paramref name="json"/>.</summary>
    public void Get(string path, string json, int priority = 50) =>
        Graph.Given(Request.Create().WithPath("/v1.0" + path).UsingGet()).AtPriority(priority).RespondWith(Json(json));

    /// <summary>Answers GETs of <paramref name="path"/> whose URL contains <paramref name="urlPart"/> (a query value, say).</summary>
    public void GetWhere(string path, string urlPart, IResponseBuilder response, int priority = 10) =>
        Graph.Given(Request.Create().WithPath("/v1.0" + path).WithUrl(new WildcardMatcher("*" + urlPart + "*", true)).UsingGet())
            .AtPriority(priority)
            .RespondWith(response);

    public void Respond(string method, string path, IResponseBuilder response, int priority = 50) =>
        Graph.Given(Request.Create().WithPath("/v1.0" + path).UsingMethod(method)).AtPriority(priority).RespondWith(response);

    /// <summary>A Graph collection page: <c>{"value": [...], "@odata.nextLink": ...}</c>.</summary>
    public string Page(string nextPath, params string[] items) =>
        $$"""{"value":[{{string.Join(",", items)}}]{{(nextPath.Length == 0 ? "" : $",\"@odata.nextLink\":\"{BaseUrl}{nextPath}\"")}}}""";

    public static string User(string id, string name, string? mail = null, bool enabled = true, string type = "Member", string? signIn = null) =>
        $$"""{"@odata.type":"#microsoft.graph.user","id":"{{id}}","displayName":"{{name}}","mail":{{(mail is null ? "null" : $"\"{mail}\"")}},"userPrincipalName":"{{id}}@contoso.example","accountEnabled":{{(enabled ? "true" : "false")}},"userType":"{{type}}"{{(signIn is null ? "" : $",\"signInActivity\":{signIn}")}}}""";

    public static IResponseBuilder Json(string json, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(json);

    public static IResponseBuilder Error(int status, string code, string message) =>
        Json($$$"""{"error":{"code":"{{{code}}}","message":"{{{message}}}"}}""", status);

    public static CancellationToken Bounded(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public IReadOnlyList<ILogEntry> RequestsTo(string path, string method = "GET") =>
        [.. GraphRequests.Where(e => e.RequestMessage.Path == "/v1.0" + path && e.RequestMessage.Method == method)];

    public static string? Header(ILogEntry entry, string name) =>
        entry.RequestMessage.Headers!.TryGetValue(name, out var values) ? values.FirstOrDefault() : null;

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        _batchForwarder.Dispose();
        TokenServer.Stop();
        Graph.Stop();
        TokenServer.Dispose();
        Graph.Dispose();
    }
}
