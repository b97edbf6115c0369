using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using ChatCompliance.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// The Bot Connector and its token endpoint on 127.0.0.1. The token names the tenant it was asked for
/// (<c>tok-{tenant}</c>), so each instance configured with its own tenant can be told apart by what it sends; a posted
/// activity is kept the moment the request arrives and answered after <c>delay</c>.
/// </summary>
internal sealed class TeamsConnectorStandIn : IDisposable
{
    private readonly ConcurrentQueue<Post> _posts = new();
    private readonly ConcurrentQueue<Update> _updates = new();
    private int _id;

    public TeamsConnectorStandIn(TimeSpan delay)
    {
        Server = LoopbackWireMock.Start();
        Server.Given(Request.Create().WithPath("/*/oauth2/v2.0/token").UsingPost())
            .RespondWith(Response.Create().WithCallback(request => Json(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = 3600,
                ["access_token"] = "tok-" + request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries)[0],
            }))));
        Server.Given(Request.Create().WithPath("/connector/v3/conversations/*").UsingPost())
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                var conversation = request.Path.Split('/')[4];
                var token = request.Headers is { } headers && headers.TryGetValue("Authorization", out var auth) ? auth.FirstOrDefault() ?? "" : "";
                _posts.Enqueue(new Post(Uri.UnescapeDataString(conversation), token, request.Body ?? ""));
                await Task.Delay(delay);
                return Json(string.Create(CultureInfo.InvariantCulture, $$"""{"id":"m-{{Interlocked.Increment(ref _id)}}"}"""));
            }));
        Server.Given(Request.Create().WithPath("/connector/v3/conversations/*/activities/*").UsingPut())
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var parts = request.Path.Split('/');
                _updates.Enqueue(new Update(Uri.UnescapeDataString(parts[4]), Uri.UnescapeDataString(parts[6]), request.Body ?? ""));
                return Json(string.Create(CultureInfo.InvariantCulture, $$"""{"id":"{{parts[6]}}"}"""));
            }));
    }

    public WireMockServer Server { get; }

    /// <summary>Every activity replaced (a card update), in arrival order.</summary>
    public IReadOnlyList<Update> Updates => [.. _updates];

    /// <summary>A replaced activity: its conversation, its id, the new body.</summary>
    public sealed record Update(string Conversation, string ActivityId, string Body);

    public string ServiceUrl => $"{LoopbackWireMock.Url(Server)}/connector/";

    public string TokenEndpoint => $"{LoopbackWireMock.Url(Server)}/{{tenant}}/oauth2/v2.0/token";

    /// <summary>Every activity posted, in arrival order.</summary>
    public IReadOnlyList<Post> Posts => [.. _posts];

    public void Dispose()
    {
        Server.Stop();
        Server.Dispose();
    }

    private static WireMock.ResponseMessage Json(string body) => new()
    {
        StatusCode = 200,
        Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new WireMock.Util.BodyData { BodyAsString = body, DetectedBodyType = WireMock.Types.BodyType.String },
    };

    /// <summary>An activity as the connector received it: its conversation, the bearer token that sent it, its body.</summary>
    public sealed record Post(string Conversation, string Token, string Body);
}
