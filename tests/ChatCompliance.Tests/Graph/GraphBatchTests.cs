using System.Diagnostics;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using WireMock.RequestBuilders;

namespace ChatCompliance.Tests.Graph;

/// <summary>Per-user reads of a population go 20 to a JSON <c>$batch</c>; throttling and failures inside a batch.</summary>
public sealed class GraphBatchTests
{
    /// <summary>Group g9 "Everyone" of <paramref name="count"/> users e00..eNN on one page, all direct members.</summary>
    private static void ServeGroup(GraphHarness graph, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"e{i:D2}").ToList();
        graph.Get("/groups/g9", """{"id":"g9","displayName":"Everyone"}""");
        graph.Get("/groups/g9/transitiveMembers/graph.user", graph.Page("", [.. ids.Select(id => GraphHarness.User(id, $"User {id}", $"{id}@contoso.example"))]));
        graph.Get("/groups/g9/members", graph.Page("", [.. ids.Select(id => $$"""{"id":"{{id}}"}""")]));
        graph.Get("/users/*", """{"signInActivity":{"lastSignInDateTime":"2026-11-01T08:00:00Z"},"manager":{"mail":"boss@contoso.example"}}""", priority: 60);
    }

    private static Task<IReadOnlyList<DirectoryAccount>> ReadAsync(GraphHarness graph, int seconds = 30) =>
        graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g9", includeManagers: true, GraphHarness.Bounded(seconds));

    [Fact]
    public async Task Users_are_read_twenty_to_a_batch_with_their_manager_expanded_and_only_the_fields_needed()
    {
        await using var graph = GraphHarness.Start();
        ServeGroup(graph, 45);

        var accounts = await ReadAsync(graph);

        Assert.Equal(45, accounts.Count);
        Assert.All(accounts, a => Assert.Equal("boss@contoso.example", a.ManagerEmail));
        Assert.All(accounts, a => Assert.True(a.SignInKnown));
        var batches = graph.Batches;
        Assert.Equal([20, 20, 5], batches.Select(b => b.Count).OrderDescending());
        Assert.All(batches.SelectMany(b => b), url => Assert.Matches(@"^/users/e\d\d\?\$select=id,signInActivity&\$expand=manager\(\$select=id,mail,userPrincipalName\)$", url));
        // 45 users, 3 calls: no request of its own per user or per manager.
        Assert.Equal(3, graph.RequestsTo("/$batch", "POST").Count);
        Assert.All(graph.RequestsTo("/$batch", "POST"), e => Assert.StartsWith("Bearer graph-token-", GraphHarness.Header(e, "Authorization"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_throttled_inside_a_batch_is_sent_again_after_its_Retry_After()
    {
        await using var graph = GraphHarness.Start();
        ServeGroup(graph, 3);
        graph.Graph.Given(Request.Create().WithPath("/v1.0/users/e01").UsingGet()).InScenario("throttled").WillSetStateTo("recovered")
            .RespondWith(GraphHarness.Error(429, "TooManyRequests", "Too many requests").WithHeader("Retry-After", "1"));
        graph.Graph.Given(Request.Create().WithPath("/v1.0/users/e01").UsingGet()).InScenario("throttled").WhenStateIs("recovered")
            .RespondWith(GraphHarness.Json("""{"signInActivity":{},"manager":{"mail":"other@contoso.example"}}"""));
        var clock = Stopwatch.StartNew();

        var accounts = await ReadAsync(graph);

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(20));
        Assert.Equal("other@contoso.example", accounts.Single(a => a.Id == "e01").ManagerEmail);
        Assert.Equal(2, graph.RequestsTo("/users/e01").Count);
        // Only the throttled request goes again, in a batch of its own.
        Assert.Equal([1, 3], graph.Batches.Select(b => b.Count).Order());
    }

    [Fact]
    public async Task Throttling_inside_a_batch_that_does_not_end_fails_the_read_as_unavailable()
    {
        await using var graph = GraphHarness.Start(new Dictionary<string, string?> { ["Graph:MaxRetries"] = "1" });
        ServeGroup(graph, 3);
        graph.Respond("GET", "/users/e02", GraphHarness.Error(503, "ServiceUnavailable", "Try later").WithHeader("Retry-After", "1"));

        var e = await Assert.ThrowsAsync<DirectoryException>(() => ReadAsync(graph));

        Assert.Equal(DirectoryProblem.Unavailable, e.Problem);
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Contains("read the user e02", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, graph.RequestsTo("/users/e02").Count);
    }

    [Fact]
    public async Task A_user_read_refused_inside_a_batch_fails_closed_naming_the_permission()
    {
        await using var graph = GraphHarness.Start();
        ServeGroup(graph, 3);
        graph.Respond("GET", "/users/e01", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        var e = await Assert.ThrowsAsync<DirectoryException>(() => ReadAsync(graph));

        // First taken for a tenant without sign-in activity, then refused again without it: the permission is missing.
        Assert.Equal(DirectoryProblem.PermissionMissing, e.Problem);
        Assert.Contains("isn't allowed to read the user e01", e.Message, StringComparison.Ordinal);
        Assert.Contains("User.Read.All", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_gone_inside_a_batch_is_kept_as_listed_without_details()
    {
        await using var graph = GraphHarness.Start();
        ServeGroup(graph, 3);
        graph.Respond("GET", "/users/e00", GraphHarness.Error(404, "Request_ResourceNotFound", "Resource 'e00' does not exist."));

        var accounts = (await ReadAsync(graph)).ToDictionary(a => a.Id);

        Assert.Equal(3, accounts.Count);
        Assert.Null(accounts["e00"].ManagerEmail);
        Assert.False(accounts["e00"].SignInKnown);
        Assert.Equal("boss@contoso.example", accounts["e01"].ManagerEmail);
    }

    [Theory]
    [InlineData("this is not JSON", "not JSON")]
    [InlineData("""{"value":[]}""", "no responses array")]
    [InlineData("""{"responses":[{"id":"0","status":200,"body":{}}]}""", "unanswered")]
    [InlineData("""{"responses":[{"id":"7","status":200,"body":{}},{"id":"1","status":200},{"id":"2","status":200}]}""", "known id")]
    [InlineData("""{"responses":[{"id":"0","status":"ok"},{"id":"1","status":200},{"id":"2","status":200}]}""", "known id or a status")]
    [InlineData("""{"responses":[{"id":"0","status":200,"body":[1]},{"id":"1","status":200,"body":{}},{"id":"2","status":200,"body":{}}]}""", "isn't a JSON object")]
    public async Task A_malformed_batch_answer_fails_closed_with_a_clear_message(string body, string said)
    {
        await using var graph = GraphHarness.Start();
        ServeGroup(graph, 3);
        graph.Respond("POST", "/$batch", GraphHarness.Json(body), priority: 1);

        var e = await Assert.ThrowsAsync<DirectoryException>(() => ReadAsync(graph));

        Assert.Equal(DirectoryProblem.Unavailable, e.Problem);
        Assert.Contains("couldn't read", e.Message, StringComparison.Ordinal);
        Assert.Contains(said, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_page_link_outside_Graph_fails_closed_and_gets_no_token()
    {
        await using var graph = GraphHarness.Start();
        using var elsewhere = Infrastructure.LoopbackWireMock.Start();
        graph.Get("/groups/g9", """{"id":"g9","displayName":"Everyone"}""");
        graph.Get("/groups/g9/transitiveMembers/graph.user",
            $$"""{"value":[{{GraphHarness.User("e00", "User e00")}}],"@odata.nextLink":"http://127.0.0.1:{{elsewhere.Port}}/v1.0/groups/g9/transitiveMembers/graph.user?$skiptoken=2"}""");

        var e = await Assert.ThrowsAsync<DirectoryException>(() => ReadAsync(graph));

        Assert.Contains("next-page link outside Graph:BaseUrl", e.Message, StringComparison.Ordinal);
        Assert.Empty(elsewhere.LogEntries);
    }
}
