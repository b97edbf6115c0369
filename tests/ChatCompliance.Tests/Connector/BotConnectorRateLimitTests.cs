using System.Diagnostics;
using ChatCompliance.Integrations.Teams.Connector;
using WireMock.Logging;
using Xunit.Abstractions;

namespace ChatCompliance.Tests.Connector;

public sealed class BotConnectorRateLimitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_burst_to_one_conversation_queues_and_arrives_within_Teams_limits()
    {
        await using var harness = ConnectorHarness.Start();
        await WarmUpAsync(harness);

        var clock = Stopwatch.StartNew();
        var sends = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            harness.Client.SendAsync(harness.ServiceUrl, "busy", ConnectorHarness.Message($"update {i}"), ConnectorHarness.Bounded())));
        clock.Stop();

        Assert.All(sends, sent => Assert.NotNull(sent.Id));
        var burst = Burst(harness, "busy");
        output.WriteLine("ms after the first: " + string.Join(" ", burst.Select(e => (e.RequestMessage.DateTime - burst[0].RequestMessage.DateTime).TotalMilliseconds.ToString("F0"))));
        Assert.Equal(20, burst.Count);
        Assert.All(burst, e => Assert.Equal(200, ConnectorHarness.Status(e)));
        // 7 per second and 8 per 2 seconds: 20 sends cannot finish in under 4 seconds.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"20 sends took only {clock.Elapsed}");
        Assert.InRange(MostIn(burst, TimeSpan.FromMilliseconds(950)), 1, 7);
        Assert.InRange(MostIn(burst, TimeSpan.FromMilliseconds(1950)), 1, 8);
    }

    [Fact]
    public async Task Conversations_are_limited_separately()
    {
        await using var harness = ConnectorHarness.Start();
        await WarmUpAsync(harness);

        // 7 to each of 3 conversations: one shared limit would need more than 5 seconds.
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 21).Select(i =>
            harness.Client.SendAsync(harness.ServiceUrl, $"room-{i % 3}", ConnectorHarness.Message($"m{i}"), ConnectorHarness.Bounded())));
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task The_tenant_limit_spans_its_conversations()
    {
        await using var harness = ConnectorHarness.Start(settings: new Dictionary<string, string?> { ["Teams:Connector:TenantPerSecond"] = "5" });
        await WarmUpAsync(harness);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            harness.Client.SendAsync(harness.ServiceUrl, $"tenant-room-{i}", ConnectorHarness.Message($"m{i}"), ConnectorHarness.Bounded())));
        clock.Stop();

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"10 sends at 5 per second took only {clock.Elapsed}");
        var burst = harness.ConnectorRequests.Where(e => e.RequestMessage.Path.Contains("tenant-room-", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, burst.Count);
        Assert.InRange(MostIn(burst, TimeSpan.FromMilliseconds(950)), 1, 5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(30)]
    public void SegmentFor_TeamsWindow_ReturnsPermitsNoSoonerThanTheWindow(int seconds)
    {
        var window = TimeSpan.FromSeconds(seconds);
        var segment = BotConnectorRateLimiter.SegmentFor(window);
        var segments = (int)Math.Ceiling(window / segment) + 1;

        Assert.True((segments - 1) * segment >= window);
        Assert.True(segment < window / 5, "about a tenth of the window");
    }

    /// <summary>Fetches the token and warms the servers, so timings measure the limiter alone.</summary>
    private static async Task WarmUpAsync(ConnectorHarness harness) =>
        await harness.Client.SendAsync(harness.ServiceUrl, "warm-up", ConnectorHarness.Message("warm-up", tenantId: "another-tenant"), ConnectorHarness.Bounded());

    private static List<ILogEntry> Burst(ConnectorHarness harness, string conversationId) =>
        [.. harness.ConnectorRequests.Where(e => e.RequestMessage.Path == $"/v3/conversations/{conversationId}/activities")];

    /// <summary>The most requests the connector received within any span of <paramref name="window"/>.</summary>
    private static int MostIn(IReadOnlyList<ILogEntry> requests, TimeSpan window)
    {
        var times = requests.Select(e => e.RequestMessage.DateTime).Order().ToArray();
        var most = 0;
        for (int start = 0, end = 0; start < times.Length; start++)
        {
            while (end < times.Length && times[end] - times[start] < window)
            {
                end++;
            }

            most = Math.Max(most, end - start);
        }

        return most;
    }
}
