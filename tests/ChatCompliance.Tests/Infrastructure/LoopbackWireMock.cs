using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>WireMock servers on 127.0.0.1 at a free port, and an Entra client-credentials token endpoint on one.</summary>
public static class LoopbackWireMock
{
    public static WireMockServer Start() =>
        WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });

    // The server reports "localhost"; the address it is bound to avoids a detour through ::1.
    public static string Url(WireMockServer server) => $"http://127.0.0.1:{server.Port}";

    /// <summary>Answers <c>POST /{tenant}/oauth2/v2.0/token</c> with a one-hour token <paramref name="prefix"/>N, N from <paramref name="next"/>.</summary>
    public static void ServeTokens(WireMockServer server, string prefix, Func<int> next, TimeSpan delay) =>
        server
            .Given(Request.Create().WithPath("/*/oauth2/v2.0/token").UsingPost())
            .AtPriority(100)
            .RespondWith(Response.Create()
                .WithDelay(delay)
                .WithCallback(_ => new ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["token_type"] = "Bearer",
                            ["expires_in"] = 3600,
                            ["ext_expires_in"] = 3600,
                            ["access_token"] = prefix + next(),
                        }),
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                }));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
