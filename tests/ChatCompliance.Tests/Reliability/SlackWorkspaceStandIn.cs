using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using ChatCompliance.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// A Slack workspace on 127.0.0.1 that keeps what was posted: <c>chat.postMessage</c> stores the message (with its
/// metadata) the moment the request arrives and answers after <c>delay</c>, as Slack would have posted a message whose
/// sender died waiting for the answer; <c>conversations.history</c> lists a channel's messages with their metadata.
/// </summary>
internal sealed class SlackWorkspaceStandIn : IDisposable
{
    private readonly ConcurrentQueue<Post> _posts = new();
    private int _ts;

    public SlackWorkspaceStandIn(TimeSpan delay)
    {
        Server = LoopbackWireMock.Start();
        Server.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithCallback(async request =>
            {
                var body = JsonNode.Parse(request.Body!)!;
                var ts = string.Create(CultureInfo.InvariantCulture, $"1700000000.{Interlocked.Increment(ref _ts):D6}");
                var token = request.Headers is { } headers && headers.TryGetValue("Authorization", out var auth) ? auth.FirstOrDefault() ?? "" : "";
                _posts.Enqueue(new Post((string?)body["channel"] ?? "", (string?)body["metadata"]?["event_payload"]?["key"], token, ts, request.Body!));
                await Task.Delay(delay);
                return Json($$"""{"ok":true,"channel":"{{(string?)body["channel"]}}","ts":"{{ts}}"}""");
            }));
        Server.Given(Request.Create().WithPath("/api/conversations.history").UsingGet())
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var channel = request.Query?["channel"].FirstOrDefault() ?? "";
                var messages = new JsonArray();
                foreach (var post in _posts.Where(p => p.Channel == channel).Reverse())
                {
                    var message = new JsonObject { ["type"] = "message", ["ts"] = post.Ts, ["text"] = "…" };
                    if (post.Key is not null)
                    {
                        message["metadata"] = new JsonObject { ["event_type"] = "chatcompliance_outbox", ["event_payload"] = new JsonObject { ["key"] = post.Key } };
                    }

                    messages.Add(message);
                }

                Interlocked.Increment(ref HistoryCalls);
                return Json(new JsonObject { ["ok"] = true, ["messages"] = messages, ["has_more"] = false }.ToJsonString());
            }));
    }

    /// <summary>How many <c>conversations.history</c> calls were answered.</summary>
    public int HistoryCalls;

    public WireMockServer Server { get; }

    public string ApiBaseUrl => $"{LoopbackWireMock.Url(Server)}/api/";

    /// <summary>Every message posted, in arrival order.</summary>
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

    /// <summary>A message as Slack stored it: its channel, its outbox key (from its metadata), the bot token that posted it.</summary>
    public sealed record Post(string Channel, string? Key, string Token, string Ts, string Body);
}
