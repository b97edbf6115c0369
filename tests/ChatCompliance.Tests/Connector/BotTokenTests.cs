using System.Net;
using System.Web;
using ChatCompliance.Integrations.Teams.Connector;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ChatCompliance.Tests.Connector;

public sealed class BotTokenTests
{
    [Fact]
    public async Task Concurrent_sends_share_one_token_request()
    {
        await using var harness = ConnectorHarness.Start(tokenDelay: TimeSpan.FromMilliseconds(300));
        var cancellation = ConnectorHarness.Bounded();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            harness.Client.SendAsync(harness.ServiceUrl, $"conversation-{i}", ConnectorHarness.Message($"hello {i}"), cancellation)));
        await harness.Client.SendAsync(harness.ServiceUrl, "conversation-later", ConnectorHarness.Message("again"), cancellation);

        Assert.Equal(1, harness.TokensIssued);
        var tokenRequest = Assert.Single(harness.TokenServer.LogEntries).RequestMessage;
        Assert.Equal($"/{ConnectorHarness.TenantId}/oauth2/v2.0/token", tokenRequest.Path);
        var form = HttpUtility.ParseQueryString(tokenRequest.Body!);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(ConnectorHarness.AppId, form["client_id"]);
        Assert.Equal(ConnectorHarness.AppPassword, form["client_secret"]);
        Assert.Equal("https://api.botframework.com/.default", form["scope"]);
        Assert.Equal(13, harness.ConnectorRequests.Count);
        Assert.All(harness.ConnectorRequests, e => Assert.Equal($"Bearer {ConnectorHarness.TokenPrefix}1", ConnectorHarness.Header(e, "Authorization")));
    }

    [Fact]
    public async Task A_token_is_reused_until_five_minutes_before_expiry_then_fetched_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = ConnectorHarness.Start(services: s => s.AddSingleton<TimeProvider>(time));
        var cancellation = ConnectorHarness.Bounded();

        await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("one"), cancellation);
        time.Advance(TimeSpan.FromMinutes(54));
        await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("two"), cancellation);
        Assert.Equal(1, harness.TokensIssued);

        // The token lives 60 minutes: at 56 it is inside the 5-minute margin.
        time.Advance(TimeSpan.FromMinutes(2));
        await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("three"), cancellation);

        Assert.Equal(2, harness.TokensIssued);
        Assert.Equal(
            [$"Bearer {ConnectorHarness.TokenPrefix}1", $"Bearer {ConnectorHarness.TokenPrefix}1", $"Bearer {ConnectorHarness.TokenPrefix}2"],
            harness.ConnectorRequests.Select(e => ConnectorHarness.Header(e, "Authorization")));
    }

    [Fact]
    public async Task A_refused_token_request_throws_with_status_and_body_and_is_not_retried()
    {
        await using var harness = ConnectorHarness.Start();
        harness.TokenServer.Given(Request.Create().WithPath("/*/oauth2/v2.0/token").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"""));

        var e = await Assert.ThrowsAsync<BotConnectorException>(() =>
            harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded()));

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Contains("invalid_client", e.ResponseBody, StringComparison.Ordinal);
        Assert.Single(harness.TokenServer.LogEntries);
        Assert.Empty(harness.ConnectorRequests);
    }

    [Fact]
    public async Task A_multi_tenant_bot_gets_its_token_from_the_botframework_tenant()
    {
        await using var harness = ConnectorHarness.Start(settings: new Dictionary<string, string?> { ["MicrosoftAppType"] = "MultiTenant", ["Teams:AllowAllTenants"] = "true" });

        await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded());

        Assert.Equal("/botframework.com/oauth2/v2.0/token", Assert.Single(harness.TokenServer.LogEntries).RequestMessage.Path);
    }

    [Fact]
    public async Task Local_mode_sends_no_authorization_header()
    {
        await using var harness = ConnectorHarness.Start(localMode: true);

        await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded());

        var request = Assert.Single(harness.ConnectorRequests);
        Assert.Null(ConnectorHarness.Header(request, "Authorization"));
        Assert.Empty(harness.TokenServer.LogEntries);
    }

    [Fact]
    public async Task A_token_is_never_sent_over_plain_http_to_another_machine()
    {
        await using var harness = ConnectorHarness.Start();

        // 192.0.2.0/24 is reserved for documentation: the client refuses before any connection is tried.
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            harness.Client.SendAsync("http://192.0.2.1/", "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded()));
    }

    [Fact]
    public async Task Neither_the_secret_nor_the_token_is_logged_above_Trace()
    {
        await using var harness = ConnectorHarness.Start();

        await harness.Client.SendAsync(harness.ServiceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded());

        Assert.NotEmpty(harness.Logs.Entries);
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Level > LogLevel.Trace
            && (e.Message.Contains(ConnectorHarness.AppPassword, StringComparison.Ordinal) || e.Message.Contains(ConnectorHarness.TokenPrefix, StringComparison.Ordinal)));
    }
}
