using ChatCompliance.Core.Domain;

namespace ChatCompliance.Tests.Graph;

public sealed class GraphTokenAndManagerTests
{
    [Fact]
    public async Task One_client_credentials_token_serves_many_calls()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Get("/groups/g1/owners/graph.user", graph.Page(""));

        for (var i = 0; i < 3; i++)
        {
            await graph.Directory.ReadResourceAsync(ReviewResourceKind.EntraGroup, "g1", GraphHarness.Bounded());
        }

        Assert.Equal(1, graph.TokensIssued);
        var tokenRequest = Assert.Single(graph.TokenServer.LogEntries).RequestMessage;
        Assert.Equal($"/{GraphHarness.TenantId}/oauth2/v2.0/token", tokenRequest.Path);
        Assert.Contains("grant_type=client_credentials", tokenRequest.Body, StringComparison.Ordinal);
        Assert.Contains("scope=https%3A%2F%2Fgraph.microsoft.com%2F.default", tokenRequest.Body, StringComparison.Ordinal);
        Assert.Equal(6, graph.GraphRequests.Count);
        Assert.All(graph.GraphRequests, e => Assert.Equal($"Bearer {GraphHarness.TokenPrefix}1", GraphHarness.Header(e, "Authorization")));
    }

    [Fact]
    public async Task A_manager_lookup_is_remembered_for_the_configured_minutes()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/users/u1/manager", GraphHarness.User("m1", "Mia Manager", "mia@contoso.example"));

        var first = await graph.Directory.FindManagerEmailAsync("u1", GraphHarness.Bounded());
        var second = await graph.Directory.FindManagerEmailAsync("u1", GraphHarness.Bounded());

        Assert.Equal("mia@contoso.example", first);
        Assert.Equal(first, second);
        Assert.Single(graph.RequestsTo("/users/u1/manager"));
    }

    [Fact]
    public async Task A_manager_is_found_by_email_and_someone_without_one_has_none()
    {
        await using var graph = GraphHarness.Start();
        graph.GetWhere("/users", "ann%40contoso.example", GraphHarness.Json(graph.Page("", """{"id":"u1"}""")));
        graph.GetWhere("/users", "solo%40contoso.example", GraphHarness.Json(graph.Page("", """{"id":"u2"}""")));
        graph.Get("/users/u1/manager", GraphHarness.User("m1", "Mia Manager", "mia@contoso.example"));
        graph.Respond("GET", "/users/u2/manager", GraphHarness.Error(404, "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried reference-property objects are not present."));

        Assert.Equal("mia@contoso.example", await graph.Directory.FindManagerEmailAsync("ann@contoso.example", GraphHarness.Bounded()));
        Assert.Null(await graph.Directory.FindManagerEmailAsync("solo@contoso.example", GraphHarness.Bounded()));
        Assert.Null(await graph.Directory.FindManagerEmailAsync("solo@contoso.example", GraphHarness.Bounded()));
        Assert.Single(graph.RequestsTo("/users/u2/manager"));
    }
}
