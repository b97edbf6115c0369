using ChatCompliance.Core.Domain;

namespace ChatCompliance.Tests.Graph;

public sealed class GraphRemovalTests
{
    [Fact]
    public async Task Removing_a_direct_member_deletes_their_membership_reference()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Respond("DELETE", "/groups/g1/members/u1/$ref", GraphHarness.Json("", 204));

        var removal = await graph.Directory.RemoveAccessAsync(ReviewResourceKind.EntraGroup, "g1", "u1", null, GraphHarness.Bounded());

        Assert.True(removal.Removed);
        Assert.Contains("Finance", removal.Detail, StringComparison.Ordinal);
        Assert.Single(graph.RequestsTo("/groups/g1/members/u1/$ref", "DELETE"));
    }

    [Fact]
    public async Task A_member_through_a_nested_group_is_not_removed_and_the_detail_says_where_to_remove_them()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Respond("DELETE", "/groups/g1/members/u5/$ref", GraphHarness.Error(404, "Request_ResourceNotFound", "Resource 'u5' does not exist or one of its queried reference-property objects are not present."));
        graph.Respond("POST", "/users/u5/checkMemberGroups", GraphHarness.Json("""{"value":["g1"]}"""));

        var removal = await graph.Directory.RemoveAccessAsync(ReviewResourceKind.EntraGroup, "g1", "u5", null, GraphHarness.Bounded());

        Assert.False(removal.Removed);
        Assert.EndsWith("member of group Finance through a nested group; remove them there.", removal.Detail, StringComparison.Ordinal);
        var check = Assert.Single(graph.RequestsTo("/users/u5/checkMemberGroups", "POST"));
        Assert.Contains("\"g1\"", check.RequestMessage.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_someone_who_is_no_longer_a_member_changes_nothing_and_says_so()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Respond("DELETE", "/groups/g1/members/u9/$ref", GraphHarness.Error(400, "Request_BadRequest", "One or more removed object references do not exist for the following modified properties: 'members'."));
        graph.Respond("POST", "/users/u9/checkMemberGroups", GraphHarness.Json("""{"value":[]}"""));

        var removal = await graph.Directory.RemoveAccessAsync(ReviewResourceKind.EntraGroup, "g1", "u9", null, GraphHarness.Bounded());

        Assert.True(removal.Removed);
        Assert.Contains("no longer a member", removal.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_an_app_role_assignment_deletes_that_assignment()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/servicePrincipals/sp1", """{"id":"sp1","displayName":"Payroll"}""");
        graph.Respond("DELETE", "/servicePrincipals/sp1/appRoleAssignedTo/as-1", GraphHarness.Json("", 204));

        var removal = await graph.Directory.RemoveAccessAsync(ReviewResourceKind.EnterpriseApplication, "sp1", "u1", "as-1", GraphHarness.Bounded());

        Assert.True(removal.Removed);
        Assert.Contains("Payroll", removal.Detail, StringComparison.Ordinal);
        Assert.Single(graph.RequestsTo("/servicePrincipals/sp1/appRoleAssignedTo/as-1", "DELETE"));
    }

    [Fact]
    public async Task An_app_role_held_through_a_group_assignment_is_not_removed()
    {
        await using var graph = GraphHarness.Start();

        var removal = await graph.Directory.RemoveAccessAsync(ReviewResourceKind.EnterpriseApplication, "sp1", "u1", null, GraphHarness.Bounded());

        Assert.False(removal.Removed);
        Assert.Contains("through a group", removal.Detail, StringComparison.Ordinal);
        Assert.Empty(graph.GraphRequests);
    }

    [Fact]
    public async Task A_removal_refused_for_lack_of_permission_names_the_write_permission()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Respond("DELETE", "/groups/g1/members/u1/$ref", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        var e = await Assert.ThrowsAsync<ChatCompliance.Core.Reviews.DirectoryException>(() =>
            graph.Directory.RemoveAccessAsync(ReviewResourceKind.EntraGroup, "g1", "u1", null, GraphHarness.Bounded()));

        Assert.Equal(ChatCompliance.Core.Reviews.DirectoryProblem.PermissionMissing, e.Problem);
        Assert.Contains("GroupMember.ReadWrite.All", e.Message, StringComparison.Ordinal);
    }
}
