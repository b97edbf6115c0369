using ChatCompliance.Integrations.Teams.Protocol;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ChatCompliance.Tests.Connector;

public sealed class BotConnectorRouteTests
{
    // A Teams channel-thread conversation id: ':', '@', ';' and '=' must be escaped in the route.
    private const string ConversationId = "19:abc@thread.tacv2;messageid=1700000000000";
    private const string EscapedConversationId = "19%3Aabc%40thread.tacv2%3Bmessageid%3D1700000000000";

    [Fact]
    public async Task Reply_posts_to_the_activity_it_answers()
    {
        await using var harness = ConnectorHarness.Start();
        harness.Connector.Given(Request.Create().WithPath("/amer/v3/conversations/*/activities/*").UsingPost()).AtPriority(1)
            .RespondWith(ConnectorHarness.Sent("reply-7"));

        var sent = await harness.Client.ReplyAsync(harness.ServiceUrl + "/amer/", ConversationId, "1:a/b", ConnectorHarness.Message("the answer"), ConnectorHarness.Bounded());

        Assert.Equal("reply-7", sent.Id);
        var request = Assert.Single(harness.ConnectorRequests).RequestMessage;
        Assert.Equal("POST", request.Method);
        // WireMock shows the path decoded except for "%2F"; the log line shows what was sent.
        Assert.EndsWith($"/amer/v3/conversations/{ConversationId}/activities/1:a%2Fb", request.Url, StringComparison.Ordinal);
        Assert.Contains(harness.Logs.Entries, e => e.Message.Contains($"/amer/v3/conversations/{EscapedConversationId}/activities/1%3Aa%2Fb", StringComparison.Ordinal));
        Assert.StartsWith("application/json", ConnectorHarness.Header(Assert.Single(harness.ConnectorRequests), "Content-Type"), StringComparison.Ordinal);
        var body = ConnectorHarness.BodyOf(harness.ConnectorRequests[0]);
        Assert.Equal("message", body.GetProperty("type").GetString());
        Assert.Equal("the answer", body.GetProperty("text").GetString());
        Assert.False(body.TryGetProperty("id", out _), "nulls are left out");
        Assert.False(body.TryGetProperty("attachments", out _), "nulls are left out");
    }

    [Fact]
    public async Task Send_posts_to_the_conversation()
    {
        await using var harness = ConnectorHarness.Start();

        var sent = await harness.Client.SendAsync(harness.ServiceUrl, ConversationId, ConnectorHarness.Message("news"), ConnectorHarness.Bounded());

        Assert.Equal("1700000000001", sent.Id);
        var request = Assert.Single(harness.ConnectorRequests).RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/v3/conversations/{ConversationId}/activities", request.Path);
        Assert.Equal("news", ConnectorHarness.BodyOf(harness.ConnectorRequests[0]).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Update_puts_the_new_activity_in_place()
    {
        await using var harness = ConnectorHarness.Start();
        var card = ConnectorHarness.Message("refreshed");
        card.Id = "1700000000042";

        await harness.Client.UpdateAsync(harness.ServiceUrl, ConversationId, "1700000000042", card, ConnectorHarness.Bounded());

        var request = Assert.Single(harness.ConnectorRequests).RequestMessage;
        Assert.Equal("PUT", request.Method);
        Assert.Equal($"/v3/conversations/{ConversationId}/activities/1700000000042", request.Path);
        var body = ConnectorHarness.BodyOf(harness.ConnectorRequests[0]);
        Assert.Equal("refreshed", body.GetProperty("text").GetString());
        Assert.Equal("1700000000042", body.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_activity()
    {
        await using var harness = ConnectorHarness.Start();

        await harness.Client.DeleteAsync(harness.ServiceUrl, ConversationId, "1700000000042", ConnectorHarness.Bounded());

        var request = Assert.Single(harness.ConnectorRequests).RequestMessage;
        Assert.Equal("DELETE", request.Method);
        Assert.Equal($"/v3/conversations/{ConversationId}/activities/1700000000042", request.Path);
    }

    [Fact]
    public async Task CreateConversation_opens_a_one_to_one_chat_with_its_first_message()
    {
        await using var harness = ConnectorHarness.Start();
        harness.Connector.Given(Request.Create().WithPath("/v3/conversations").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"a:1new-personal-chat","activityId":"1700000000100","serviceUrl":"https://smba.trafficmanager.net/amer/"}"""));
        var bot = new ChannelAccount { Id = $"28:{ConnectorHarness.AppId}", Name = "ChatCompliance" };
        var member = new ChannelAccount { Id = "29:1user", AadObjectId = "5b1c0000-0000-4000-8000-000000000001" };

        var created = await harness.Client.CreateConversationAsync(harness.ServiceUrl, ConnectorHarness.TenantId, bot, member, ConnectorHarness.Message("Your review is due", tenantId: null), ConnectorHarness.Bounded());

        Assert.Equal(new("a:1new-personal-chat", "1700000000100", "https://smba.trafficmanager.net/amer/"), created);
        var request = Assert.Single(harness.ConnectorRequests).RequestMessage;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v3/conversations", request.Path);
        var body = ConnectorHarness.BodyOf(harness.ConnectorRequests[0]);
        Assert.False(body.GetProperty("isGroup").GetBoolean());
        Assert.Equal($"28:{ConnectorHarness.AppId}", body.GetProperty("bot").GetProperty("id").GetString());
        Assert.Equal("29:1user", body.GetProperty("members")[0].GetProperty("id").GetString());
        Assert.Equal(ConnectorHarness.TenantId, body.GetProperty("tenantId").GetString());
        Assert.Equal(ConnectorHarness.TenantId, body.GetProperty("channelData").GetProperty("tenant").GetProperty("id").GetString());
        Assert.Equal("Your review is due", body.GetProperty("activity").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("/amer")]
    [InlineData("/amer/")]
    [InlineData("/amer//")]
    public async Task The_service_url_trailing_slash_does_not_change_the_route(string path)
    {
        await using var harness = ConnectorHarness.Start();

        await harness.Client.SendAsync(harness.ServiceUrl + path, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded());

        Assert.Equal("/amer/v3/conversations/c1/activities", Assert.Single(harness.ConnectorRequests).RequestMessage.Path);
    }

    [Theory]
    [InlineData("smba.trafficmanager.net/amer/")]
    [InlineData("ftp://127.0.0.1/")]
    public async Task A_service_url_that_is_not_absolute_http_is_refused(string serviceUrl)
    {
        await using var harness = ConnectorHarness.Start();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.Client.SendAsync(serviceUrl, "c1", ConnectorHarness.Message("hi"), ConnectorHarness.Bounded()));
        Assert.Empty(harness.ConnectorRequests);
    }
}
