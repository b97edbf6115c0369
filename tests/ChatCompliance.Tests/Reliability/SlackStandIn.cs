using System.Text.Json.Nodes;
using ChatCompliance.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Reliability;

/// <summary>The Slack Web API on 127.0.0.1: every call answers <c>ok</c> after a delay, so sends are in flight for a while.</summary>
internal static class SlackStandIn
{
    public static WireMockServer Start(TimeSpan delay)
    {
        var server = LoopbackWireMock.Start();
        var ts = 0;
        server.Given(Request.Create().WithPath("/api/*").UsingPost())
            .RespondWith(Response.Create().WithDelay(delay).WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithCallback(_ => new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = $$"""{"ok":true,"message_ts":"1700000000.000200","channel":"C","ts":"1700000000.{{Interlocked.Increment(ref ts):D6}}"}""",
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                }));
        return server;
    }

    public static string ApiBaseUrl(WireMockServer server) => $"{LoopbackWireMock.Url(server)}/api/";

    /// <summary>The channel of every <c>chat.postMessage</c> the stand-in received, with its body.</summary>
    public static List<(string Channel, string Body)> Posts(WireMockServer server) =>
    [
        .. server.LogEntries
            .Where(e => e.RequestMessage.Path == "/api/chat.postMessage" && e.RequestMessage.Body is not null)
            .Select(e => ((string?)JsonNode.Parse(e.RequestMessage.Body!)?["channel"] ?? "", e.RequestMessage.Body!)),
    ];

    /// <summary>The bodies of the <c>chat.postMessage</c> calls to <paramref name="channel"/>.</summary>
    public static List<string> PostedTo(WireMockServer server, string channel) =>
        [.. Posts(server).Where(p => p.Channel == channel).Select(p => p.Body)];
}
