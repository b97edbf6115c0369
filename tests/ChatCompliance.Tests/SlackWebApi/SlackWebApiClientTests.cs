using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using ChatCompliance.Integrations.Slack;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ChatCompliance.Tests.SlackWebApi;

public sealed class SlackWebApiClientTests
{
    private static readonly string[] OtherChannels = ["C-other", "C-third"];

    [Fact(Timeout = 30_000)]
    public async Task A_posted_message_carries_the_bot_token_and_a_JSON_body_and_returns_its_ts()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(SlackWebApiHarness.Posted("C123", "1700000000.000100"));

        var blocks = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "*Review due*" } });
        var sent = await harness.Client.PostMessageAsync("C123", "Review due", blocks, threadTs: "1699999999.000001", cancellationToken: SlackWebApiHarness.Bounded());

        Assert.Equal(new SlackMessage("C123", "1700000000.000100"), sent);
        var request = Assert.Single(harness.Requests);
        Assert.Equal("Bearer " + SlackWebApiHarness.BotToken, SlackWebApiHarness.Header(request, "Authorization"));
        Assert.StartsWith("application/json; charset=utf-8", SlackWebApiHarness.Header(request, "Content-Type"), StringComparison.OrdinalIgnoreCase);
        var body = SlackWebApiHarness.BodyOf(request);
        Assert.Equal("C123", body.GetProperty("channel").GetString());
        Assert.Equal("Review due", body.GetProperty("text").GetString());
        Assert.Equal("1699999999.000001", body.GetProperty("thread_ts").GetString());
        Assert.Equal("*Review due*", body.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString());
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Message.Contains(SlackWebApiHarness.BotToken, StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_throttled_call_waits_for_Retry_After_then_succeeds_exactly_once()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .InScenario("throttled").WillSetStateTo("cleared")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody("""{"ok":false,"error":"ratelimited"}"""));
        harness.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost())
            .InScenario("throttled").WhenStateIs("cleared")
            .RespondWith(SlackWebApiHarness.Posted("C1", "1.2"));

        var clock = Stopwatch.StartNew();
        var sent = await harness.Client.PostMessageAsync("C1", "hi", cancellationToken: SlackWebApiHarness.Bounded());
        clock.Stop();

        Assert.Equal("1.2", sent.Ts);
        var requests = harness.Requests;
        Assert.Equal([429, 200], requests.Select(SlackWebApiHarness.Status));
        var waited = requests[1].RequestMessage.DateTime - requests[0].RequestMessage.DateTime;
        Assert.InRange(waited, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(3));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"took {clock.Elapsed}");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_server_error_is_retried()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Slack.Given(Request.Create().WithPath("/api/chat.update").UsingPost())
            .InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(500).WithBody("oops"));
        harness.Slack.Given(Request.Create().WithPath("/api/chat.update").UsingPost())
            .InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(SlackWebApiHarness.Posted("C1", "1.5"));

        var updated = await harness.Client.UpdateMessageAsync("C1", "1.5", "edited", cancellationToken: SlackWebApiHarness.Bounded());

        Assert.Equal(new SlackMessage("C1", "1.5"), updated);
        Assert.Equal([500, 200], harness.Requests.Select(SlackWebApiHarness.Status));
    }

    [Fact(Timeout = 30_000)]
    public async Task Ok_false_throws_with_the_method_and_error_code_and_is_not_retried()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Answer("chat.postMessage", """{"ok":false,"error":"channel_not_found"}""");

        var e = await Assert.ThrowsAsync<SlackApiException>(() => harness.Client.PostMessageAsync("C404", "hi", cancellationToken: SlackWebApiHarness.Bounded()));

        Assert.Equal("chat.postMessage", e.Method);
        Assert.Equal("channel_not_found", e.Error);
        Assert.Equal(HttpStatusCode.OK, e.StatusCode);
        Assert.Single(harness.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_missing_scope_names_the_needed_and_provided_scopes()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Answer("users.lookupByEmail", """{"ok":false,"error":"missing_scope","needed":"users:read.email","provided":"chat:write,users:read"}""");

        var e = await Assert.ThrowsAsync<SlackApiException>(() => harness.Client.LookupUserByEmailAsync("a@example.com", SlackWebApiHarness.Bounded()));

        Assert.Equal(("users.lookupByEmail", "missing_scope", "users:read.email", "chat:write,users:read"), (e.Method, e.Error, e.Needed, e.Provided));
    }

    [Fact(Timeout = 30_000)]
    public async Task Looking_up_a_user_by_email_returns_the_user_id()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Slack.Given(Request.Create().WithPath("/api/users.lookupByEmail").WithParam("email", "ada@example.com").UsingGet())
            .RespondWith(SlackWebApiHarness.Ok("""
                {"ok":true,"user":{"id":"U012AB3CD","team_id":"T0001","name":"ada","real_name":"Ada Lovelace","is_bot":false,"deleted":false,
                 "profile":{"email":"ada@example.com","real_name":"Ada Lovelace"}}}
                """));

        var user = await harness.Client.LookupUserByEmailAsync("ada@example.com", SlackWebApiHarness.Bounded());

        Assert.Equal(new SlackUser("U012AB3CD", "T0001", "ada", "Ada Lovelace", "ada@example.com", IsBot: false, Deleted: false), user);
        Assert.Equal("Bearer " + SlackWebApiHarness.BotToken, SlackWebApiHarness.Header(Assert.Single(harness.Requests), "Authorization"));
        Assert.DoesNotContain(harness.Logs.Entries, e => e.Message.Contains("ada@example.com", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task Publishing_a_home_view_sends_the_user_id_and_the_view()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Answer("views.publish", """{"ok":true,"view":{"id":"V0HOME","hash":"h1","type":"home"}}""");
        var view = new JsonObject { ["type"] = "home", ["blocks"] = new JsonArray(new JsonObject { ["type"] = "divider" }) };

        var published = await harness.Client.PublishViewAsync("U012AB3CD", view, cancellationToken: SlackWebApiHarness.Bounded());

        Assert.Equal(new SlackView("V0HOME", "h1"), published);
        var body = SlackWebApiHarness.BodyOf(Assert.Single(harness.Requests));
        Assert.Equal("U012AB3CD", body.GetProperty("user_id").GetString());
        Assert.Equal("home", body.GetProperty("view").GetProperty("type").GetString());
        Assert.Equal("divider", body.GetProperty("view").GetProperty("blocks")[0].GetProperty("type").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Opening_a_DM_and_a_modal_and_an_ephemeral_return_their_ids()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Answer("conversations.open", """{"ok":true,"channel":{"id":"D0DM1"}}""");
        harness.Answer("views.open", """{"ok":true,"view":{"id":"V0MODAL"}}""");
        harness.Answer("chat.postEphemeral", """{"ok":true,"message_ts":"1.9"}""");
        harness.Answer("users.info", """{"ok":true,"user":{"id":"U1","team_id":"T1","profile":{"real_name":"Grace"}}}""");

        Assert.Equal("D0DM1", await harness.Client.OpenConversationAsync(["U1"], SlackWebApiHarness.Bounded()));
        Assert.Equal("V0MODAL", (await harness.Client.OpenViewAsync("trigger-1", new JsonObject { ["type"] = "modal" }, SlackWebApiHarness.Bounded())).Id);
        Assert.Equal("1.9", (await harness.Client.PostEphemeralAsync("C1", "U1", "only you", cancellationToken: SlackWebApiHarness.Bounded())).MessageTs);
        Assert.Equal("Grace", (await harness.Client.GetUserInfoAsync("U1", SlackWebApiHarness.Bounded())).RealName);

        var bodies = harness.Requests.Where(r => r.RequestMessage.Method == "POST").Select(SlackWebApiHarness.BodyOf).ToList();
        Assert.Equal("U1", bodies[0].GetProperty("users").GetString());
        Assert.Equal("trigger-1", bodies[1].GetProperty("trigger_id").GetString());
        Assert.Equal("U1", bodies[2].GetProperty("user").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Posts_to_one_channel_queue_about_a_second_apart_while_other_channels_go_at_once()
    {
        await using var harness = SlackWebApiHarness.Start();
        harness.Slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost()).RespondWith(SlackWebApiHarness.Posted("C", "1.0"));
        var bounded = SlackWebApiHarness.Bounded();
        // Concurrent warm-up on channels of their own, so JIT, connections and thread-pool growth do not count as pacing.
        await Task.WhenAll(Enumerable.Range(1, 6).Select(i => harness.Client.PostMessageAsync($"C-warm-up-{i}", "warm-up", cancellationToken: bounded)));
        harness.Slack.ResetLogEntries();

        var clock = Stopwatch.StartNew();
        var sameChannel = Enumerable.Range(1, 3).Select(i => harness.Client.PostMessageAsync("C-busy", $"m{i}", cancellationToken: bounded)).ToList();
        var others = OtherChannels.Select(c => harness.Client.PostMessageAsync(c, "x", cancellationToken: bounded)).ToList();
        await Task.WhenAll(others);
        var othersDone = clock.Elapsed;
        await Task.WhenAll(sameChannel);
        clock.Stop();

        var times = harness.Requests.GroupBy(r => SlackWebApiHarness.BodyOf(r).GetProperty("channel").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(r => r.RequestMessage.DateTime).Order().ToList());
        var busy = times["C-busy"];
        Assert.Equal(3, busy.Count);
        Assert.All(OtherChannels, c => Assert.True(times[c].Single() < busy[1], $"{c} reached Slack after the busy channel's second post"));
        Assert.True(othersDone < TimeSpan.FromSeconds(1), $"other channels took {othersDone}");
        Assert.InRange(busy[1] - busy[0], TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(2));
        Assert.InRange(busy[2] - busy[1], TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(2));
        Assert.True(busy[2] - busy[0] >= TimeSpan.FromMilliseconds(1900), $"spread {busy[2] - busy[0]}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }
}
