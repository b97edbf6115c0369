using System.Diagnostics;
using System.Net;
using ChatCompliance.Integrations.Teams.Connector;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ChatCompliance.Tests.Connector;

public sealed class BotConnectorRetryTests
{
    [Fact]
    public async Task A_throttled_send_waits_for_Retry_After_then_delivers_once()
    {
        await using var harness = ConnectorHarness.Start();
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .InScenario("throttled").WillSetStateTo("cleared")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody("""{"error":{"code":"TooManyRequests"}}"""));
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .InScenario("throttled").WhenStateIs("cleared")
            .RespondWith(ConnectorHarness.Sent("after-wait"));

        var clock = Stopwatch.StartNew();
        var sent = await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded());
        clock.Stop();

        Assert.Equal("after-wait", sent.Id);
        var requests = harness.ConnectorRequests;
        Assert.Equal([429, 200], requests.Select(ConnectorHarness.Status));
        Assert.Single(requests, e => ConnectorHarness.Status(e) is >= 200 and < 300);
        var waited = requests[1].RequestMessage.DateTime - requests[0].RequestMessage.DateTime;
        Assert.InRange(waited, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_Retry_After_date_is_honoured_too()
    {
        await using var harness = ConnectorHarness.Start();
        await harness.Client.SendAsync(harness.ServiceUrl, "warm-up", ConnectorHarness.Message("warm-up"), ConnectorHarness.Bounded());
        // HTTP dates have whole seconds: two seconds ahead is between one and two seconds away.
        var retryAt = DateTimeOffset.UtcNow.AddSeconds(2).ToString("R");
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .InScenario("throttled").WillSetStateTo("cleared")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", retryAt));
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .InScenario("throttled").WhenStateIs("cleared")
            .RespondWith(ConnectorHarness.Sent("after-date"));

        var sent = await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded());

        Assert.Equal("after-date", sent.Id);
        var requests = harness.ConnectorRequests.Where(e => e.RequestMessage.Path == "/v3/conversations/c1/activities").ToList();
        Assert.Equal([429, 200], requests.Select(ConnectorHarness.Status));
        Assert.InRange(requests[1].RequestMessage.DateTime - requests[0].RequestMessage.DateTime, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(412)]
    public async Task A_transient_failure_is_retried(int status)
    {
        await using var harness = ConnectorHarness.Start();
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(status));
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(ConnectorHarness.Sent("recovered"));

        var sent = await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded());

        Assert.Equal("recovered", sent.Id);
        Assert.Equal([status, 200], harness.ConnectorRequests.Select(ConnectorHarness.Status));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(501)] // Not Implemented (the Agents Playground's delete) will not start working on a retry.
    public async Task A_client_error_is_not_retried_and_throws_its_status_and_body(int status)
    {
        await using var harness = ConnectorHarness.Start();
        const string Body = """{"error":{"code":"BadArgument","message":"Unknown activity type"}}""";
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(Body));

        var e = await Assert.ThrowsAsync<BotConnectorException>(() =>
            harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded()));

        Assert.Equal((HttpStatusCode)status, e.StatusCode);
        Assert.Equal(Body, e.ResponseBody);
        Assert.Single(harness.ConnectorRequests);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_attempts()
    {
        await using var harness = ConnectorHarness.Start(settings: new Dictionary<string, string?>
        {
            ["Teams:Connector:MaxRetryAttempts"] = "3",
            ["Teams:Connector:RetryBaseDelay"] = "00:00:00.020",
        });
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations/c1/activities").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503).WithBody("down"));

        var e = await Assert.ThrowsAsync<BotConnectorException>(() =>
            harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal("down", e.ResponseBody);
        Assert.Equal(4, harness.ConnectorRequests.Count);
    }
}
