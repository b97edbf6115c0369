using System.Diagnostics;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Integrations.Graph;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WireMock.RequestBuilders;

namespace ChatCompliance.Tests.Graph;

public sealed class GraphFailureTests
{
    [Fact]
    public async Task A_throttled_request_is_retried_after_Retry_After_and_then_succeeds()
    {
        await using var graph = GraphHarness.Start();
        graph.Graph.Given(Request.Create().WithPath("/v1.0/groups/g1").UsingGet())
            .InScenario("throttled").WillSetStateTo("recovered")
            .RespondWith(GraphHarness.Error(429, "TooManyRequests", "Too many requests").WithHeader("Retry-After", "1"));
        graph.Graph.Given(Request.Create().WithPath("/v1.0/groups/g1").UsingGet())
            .InScenario("throttled").WhenStateIs("recovered")
            .RespondWith(GraphHarness.Json("""{"id":"g1","displayName":"Finance"}"""));
        graph.Get("/groups/g1/owners/graph.user", graph.Page(""));
        var clock = Stopwatch.StartNew();

        var resource = await graph.Directory.ReadResourceAsync(ReviewResourceKind.EntraGroup, "g1", GraphHarness.Bounded(15));

        Assert.Equal("Finance", resource.DisplayName);
        Assert.Equal(2, graph.RequestsTo("/groups/g1").Count);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Throttling_that_does_not_end_gives_Unavailable_after_a_bounded_number_of_retries()
    {
        await using var graph = GraphHarness.Start(new Dictionary<string, string?> { ["Graph:MaxRetries"] = "2" });
        graph.Respond("GET", "/groups/g1", GraphHarness.Error(503, "ServiceUnavailable", "Try later").WithHeader("Retry-After", "1"));

        var e = await Assert.ThrowsAsync<DirectoryException>(() => graph.Directory.ReadResourceAsync(ReviewResourceKind.EntraGroup, "g1", GraphHarness.Bounded(20)));

        Assert.Equal(DirectoryProblem.Unavailable, e.Problem);
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, graph.RequestsTo("/groups/g1").Count);
    }

    [Fact]
    public async Task Forbidden_gives_PermissionMissing_naming_the_permission_to_grant()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Respond("GET", "/groups/g1/transitiveMembers/graph.user", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        var e = await Assert.ThrowsAsync<DirectoryException>(() => graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g1", false, GraphHarness.Bounded()));

        Assert.Equal(DirectoryProblem.PermissionMissing, e.Problem);
        Assert.Contains("isn't allowed to read the members of group Finance", e.Message, StringComparison.Ordinal);
        Assert.Contains("GroupMember.Read.All", e.Message, StringComparison.Ordinal);
        Assert.Contains("admin consent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_application_read_names_Application_Read_All()
    {
        await using var graph = GraphHarness.Start();
        graph.Respond("GET", "/servicePrincipals/sp1", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        var e = await Assert.ThrowsAsync<DirectoryException>(() => graph.Directory.ReadPopulationAsync(ReviewResourceKind.EnterpriseApplication, "sp1", false, GraphHarness.Bounded()));

        Assert.Equal(DirectoryProblem.PermissionMissing, e.Problem);
        Assert.Contains("Application.Read.All", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_that_no_longer_exists_gives_NotFound()
    {
        await using var graph = GraphHarness.Start();
        graph.Respond("GET", "/groups/gone", GraphHarness.Error(404, "Request_ResourceNotFound", "Resource 'gone' does not exist or one of its queried reference-property objects are not present."));

        var e = await Assert.ThrowsAsync<DirectoryException>(() => graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "gone", false, GraphHarness.Bounded()));

        Assert.Equal(DirectoryProblem.NotFound, e.Problem);
        Assert.StartsWith("The group gone no longer exists", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_credentials_say_which_settings_to_check()
    {
        await using var graph = GraphHarness.Start();
        graph.TokenServer.Given(Request.Create().WithPath("/*/oauth2/v2.0/token").UsingPost()).AtPriority(1)
            .RespondWith(GraphHarness.Json("""{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}""", 401));

        var e = await Assert.ThrowsAsync<DirectoryException>(() => graph.Directory.ReadResourceAsync(ReviewResourceKind.EntraGroup, "g1", GraphHarness.Bounded()));

        Assert.Equal(DirectoryProblem.NotConfigured, e.Problem);
        Assert.Contains("Graph:ClientSecret", e.Message, StringComparison.Ordinal);
        Assert.Empty(graph.GraphRequests);
    }

    [Fact]
    public async Task Without_configuration_the_directory_says_so_and_refuses_Graph_calls()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Graph:TenantId"] = "t" });
        builder.AddGraphDirectory();
        await using var services = builder.Services.BuildServiceProvider(validateScopes: true);
        var directory = services.GetRequiredService<IAccessDirectory>();

        Assert.False(directory.IsConfigured);
        var e = await Assert.ThrowsAsync<DirectoryException>(() => directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g1", false));
        Assert.Equal(DirectoryProblem.NotConfigured, e.Problem);
        Assert.Equal("Microsoft Graph isn't configured: set Graph:TenantId, Graph:ClientId and Graph:ClientSecret", e.Message);
    }

    [Fact]
    public async Task Neither_the_secret_nor_the_token_is_logged_above_Trace()
    {
        await using var graph = GraphHarness.Start();
        graph.Respond("GET", "/groups/g1", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges"));

        await Assert.ThrowsAsync<DirectoryException>(() => graph.Directory.ReadResourceAsync(ReviewResourceKind.EntraGroup, "g1", GraphHarness.Bounded()));

        Assert.NotEmpty(graph.Logs.Entries);
        Assert.DoesNotContain(graph.Logs.Entries, e => e.Level > Microsoft.Extensions.Logging.LogLevel.Trace
            && (e.Message.Contains(GraphHarness.ClientSecret, StringComparison.Ordinal) || e.Message.Contains(GraphHarness.TokenPrefix, StringComparison.Ordinal)));
    }
}
