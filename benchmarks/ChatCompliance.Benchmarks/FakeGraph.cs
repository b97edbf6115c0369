using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// Microsoft Graph and the Entra token endpoint for one large group, served by Kestrel on 127.0.0.1 (a dynamic port):
/// the group, its owner, transitive members paged at 999 with <c>@odata.nextLink</c>, direct members (nine in ten;
/// the rest come through a nested group), each user's sign-in activity, guests' sponsors and each user's manager,
/// one of <see cref="Managers"/> manager accounts outside the group (inline with <c>$expand=manager</c>), and JSON
/// <c>$batch</c> calls of those user reads. Answers are generated per request; every HTTP request (a batch counts once)
/// waits <see cref="Latency"/> first.
/// </summary>
internal sealed class FakeGraph : IAsyncDisposable
{
    public const string TenantId = "00000000-0000-4000-8000-0000000000aa";
    public const string GroupId = "6b3f0c1e-0000-4000-8000-00000000b001";
    public const string GroupName = "All staff (benchmark)";
    private const int PageSize = 999;

    private readonly WebApplication _app;
    private readonly DateTimeOffset _now;
    private long _requests;
    private long _batched;

    private FakeGraph(int users, int managers, DateTimeOffset now, TimeSpan latency)
    {
        Latency = latency;
        Users = users;
        Managers = managers;
        _now = now;
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/v1.0";
        TokenEndpoint = $"http://127.0.0.1:{port}/{{tenant}}/oauth2/v2.0/token";

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _requests);
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency);
            }

            await next(context);
        });
        _app.MapPost("/{tenant}/oauth2/v2.0/token", () => Json("""{"token_type":"Bearer","expires_in":3600,"access_token":"bench-token"}"""));
        _app.MapGet("/v1.0/groups/{id}", (string id) => id == GroupId ? Json($$"""{"id":"{{GroupId}}","displayName":"{{GroupName}}"}""") : NotFound());
        _app.MapGet("/v1.0/groups/{id}/owners/graph.user", (string id) => id == GroupId
            ? Json("""{"value":[{"@odata.type":"#microsoft.graph.user","id":"owner-1","mail":"owner@contoso.example","userPrincipalName":"owner@contoso.example"}]}""")
            : NotFound());
        _app.MapGet("/v1.0/groups/{id}/transitiveMembers/graph.user", (string id, HttpRequest request) =>
            id == GroupId ? Json(Page(request, "transitiveMembers/graph.user", UserJson, _ => true)) : NotFound());
        _app.MapGet("/v1.0/groups/{id}/members", (string id, HttpRequest request) =>
            id == GroupId ? Json(Page(request, "members", i => $$"""{"@odata.type":"#microsoft.graph.user","id":"{{UserId(i)}}"}""", i => i % 10 != 9)) : NotFound());
        _app.MapGet("/v1.0/users/{**path}", (string path, HttpRequest request) => Reply(UserAnswer(path, request.QueryString.Value ?? "")));
        _app.MapPost("/v1.0/$batch", async (HttpRequest request) => Json(await BatchAsync(request)));
    }

    /// <summary>How long each HTTP request waits before it is answered (Graph's own latency, as seen from a datacentre).</summary>
    public TimeSpan Latency { get; }

    public int Users { get; }

    public int Managers { get; }

    /// <summary>Graph's root as configured (<c>Graph:BaseUrl</c>).</summary>
    public string BaseUrl { get; }

    /// <summary>The token endpoint as configured (<c>Graph:TokenEndpoint</c>).</summary>
    public string TokenEndpoint { get; }

    /// <summary>Requests answered so far, the token endpoint's included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered inside <c>$batch</c> calls (each call counts once in <see cref="Requests"/>).</summary>
    public long BatchedRequests => Interlocked.Read(ref _batched);

    public static async Task<FakeGraph> StartAsync(int users, int managers, DateTimeOffset now, TimeSpan latency = default)
    {
        var graph = new FakeGraph(users, managers, now, latency);
        await graph._app.StartAsync();
        return graph;
    }

    public static string ManagerEmail(int manager) => $"manager{manager:D4}@contoso.example";

    /// <summary>Every 20th user is a guest (one in two of them with a sponsor); every 50th is disabled.</summary>
    private static bool IsGuest(int i) => i % 20 == 0;

    private static string UserId(int i) => new Guid(i, 0, 0x4000, 0x80, 0, 0, 0, 0, 0, 0, 1).ToString();

    private static int? Index(string id) =>
        Guid.TryParse(id, out var guid) && guid.ToByteArray() is var bytes && bytes[15] == 1 ? BitConverter.ToInt32(bytes, 0) : null;

    private static string UserJson(int i) =>
        $$"""{"@odata.type":"#microsoft.graph.user","id":"{{UserId(i)}}","displayName":"User {{i:D6}}","mail":{{(IsGuest(i) ? "null" : $"\"user{i:D6}@contoso.example\"")}},"userPrincipalName":"user{{i:D6}}{{(IsGuest(i) ? "_partner.example#EXT#" : "")}}@contoso.example","accountEnabled":{{(i % 50 == 7 ? "false" : "true")}},"userType":"{{(IsGuest(i) ? "Guest" : "Member")}}"}""";

    /// <summary>One in eight never signed in, one in eight not for 200 days, the rest within the last month.</summary>
    private string SignInJson(int i) => (i % 8) switch
    {
        0 => $$$"""{"id":"{{{UserId(i)}}}","signInActivity":{}}""",
        1 => $$$"""{"id":"{{{UserId(i)}}}","signInActivity":{"lastSignInDateTime":"{{{Time(200 * 24)}}}"}}""",
        _ => $$$"""{"id":"{{{UserId(i)}}}","signInActivity":{"lastSignInDateTime":"{{{Time(i % 700)}}}","lastNonInteractiveSignInDateTime":"{{{Time(i % 90)}}}"}}""",
    };

    private string Time(int hoursAgo) => _now.AddHours(-hoursAgo).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A page of 999 from <c>$skiptoken</c> (an index), with the next page's link while there is one.</summary>
    private string Page(HttpRequest request, string collection, Func<int, string> item, Func<int, bool> include)
    {
        var start = int.TryParse(request.Query["$skiptoken"], NumberStyles.None, CultureInfo.InvariantCulture, out var skip) ? skip : 0;
        var end = Math.Min(Users, start + PageSize);
        var json = new StringBuilder(256 * PageSize).Append("{\"value\":[");
        var first = true;
        for (var i = start; i < end; i++)
        {
            if (include(i))
            {
                json.Append(first ? "" : ",").Append(item(i));
                first = false;
            }
        }

        json.Append(']');
        if (end < Users)
        {
            json.Append(CultureInfo.InvariantCulture, $",\"@odata.nextLink\":\"{BaseUrl}/groups/{GroupId}/{collection}?$top={PageSize}&$skiptoken={end}\"");
        }

        return json.Append('}').ToString();
    }

    /// <summary><c>users/{id}</c>, <c>users/{id}/sponsors</c> and <c>users/{id}/manager</c>, as status and JSON.</summary>
    private (int Status, string Json) UserAnswer(string path, string query)
    {
        var parts = path.Split('/');
        if (Index(parts[0]) is not { } i)
        {
            return (404, NotFoundJson);
        }

        var manager = $$"""{"@odata.type":"#microsoft.graph.user","id":"manager-{{i % Managers}}","mail":"{{ManagerEmail(i % Managers)}}","userPrincipalName":"{{ManagerEmail(i % Managers)}}"}""";
        return parts switch
        {
            [_] when query.Contains("expand=manager", StringComparison.Ordinal) => (200, SignInJson(i)[..^1] + ",\"manager\":" + manager + "}"),
            [_] => (200, SignInJson(i)),
            [_, "sponsors"] => (200, i % 40 == 0 ? """{"value":[{"@odata.type":"#microsoft.graph.user","id":"sponsor-1"}]}""" : """{"value":[]}"""),
            [_, "manager"] => (200, manager),
            _ => (404, NotFoundJson),
        };
    }

    /// <summary>A JSON <c>$batch</c> of user reads: each request answered as <see cref="UserAnswer"/> answers it alone.</summary>
    private async Task<string> BatchAsync(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body);
        var json = new StringBuilder("{\"responses\":[");
        var first = true;
        foreach (var inner in body.RootElement.GetProperty("requests").EnumerateArray())
        {
            Interlocked.Increment(ref _batched);
            var url = inner.GetProperty("url").GetString()!;
            var (path, query) = url.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? (url[..q], url[q..]) : (url, "");
            var (status, answer) = path.StartsWith("/users/", StringComparison.Ordinal) ? UserAnswer(path["/users/".Length..], query) : (404, NotFoundJson);
            json.Append(first ? "" : ",").Append(CultureInfo.InvariantCulture, $$"""{"id":{{JsonSerializer.Serialize(inner.GetProperty("id").GetString())}},"status":{{status}},"headers":{"Content-Type":"application/json"},"body":{{answer}}}""");
            first = false;
        }

        return json.Append("]}").ToString();
    }

    private static IResult Reply((int Status, string Json) answer) => Results.Text(answer.Json, "application/json", statusCode: answer.Status);

    private const string NotFoundJson = """{"error":{"code":"Request_ResourceNotFound","message":"not here"}}""";

    private static IResult Json(string json) => Results.Text(json, "application/json");

    private static IResult NotFound() => Results.Text(NotFoundJson, "application/json", statusCode: 404);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
