using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using static ChatCompliance.Tests.Graph.FinanceDirectory;

namespace ChatCompliance.Tests.Graph;

/// <summary>
/// A recurring group review's population through Graph's delta query: the first period reads in full and starts
/// tracking; the next applies the changes since, and gives exactly what a full read would; anything doubtful reads in full.
/// </summary>
public sealed class GraphDeltaTests
{
    private const string TransitiveUsers = $"/groups/{GroupId}/transitiveMembers/graph.user";

    [Fact]
    public async Task The_first_read_of_a_series_reads_in_full_then_starts_tracking_over_every_page_of_the_first_delta_round()
    {
        await using var graph = GraphHarness.Start();
        _ = new FinanceDirectory(graph);

        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, includeManagers: false, since: null, GraphHarness.Bounded());

        Assert.False(first.FromChanges);
        Assert.Equal(["u1", "u2", "u3", "u4"], first.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Equal($"{graph.BaseUrl}/groups/delta?$deltatoken=t1", first.Next?.Link);
        var delta = Assert.Single(graph.RequestsTo("/groups/delta"), r => !r.RequestMessage.Url.Contains("skiptoken", StringComparison.Ordinal));
        var query = Uri.UnescapeDataString(delta.RequestMessage.Url);
        Assert.Contains($"$filter=id eq '{GroupId}' or id eq '{NestedId}'", query, StringComparison.Ordinal);
        Assert.Contains("$select=members", query, StringComparison.Ordinal);
        Assert.Single(graph.RequestsTo("/groups/delta"), r => r.RequestMessage.Url.Contains("skiptoken=s2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_next_read_applies_the_changes_since_without_listing_the_members_and_equals_a_full_read()
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());

        // A period later: Nora joins directly, Bob leaves, and Ann joins the nested group too (still a direct member).
        directory.Direct.Add("u5");
        directory.Direct.Remove("u2");
        directory.Nested.Add("u1");
        directory.AnswerChanges("t1", "t2", Changes(GroupId, Added("u5"), Removed("u2")), Changes(NestedId, Added("u1")));
        graph.Graph.ResetLogEntries();

        var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, first.Next, GraphHarness.Bounded());

        Assert.True(next.FromChanges);
        Assert.Empty(graph.RequestsTo(TransitiveUsers));
        Assert.Empty(graph.RequestsTo($"/groups/{GroupId}/members"));
        Assert.Single(graph.RequestsTo("/groups/delta"), r => r.RequestMessage.Url.Contains("deltatoken=t1", StringComparison.Ordinal));
        Assert.Equal($"{graph.BaseUrl}/groups/delta?$deltatoken=t2", next.Next?.Link);
        var byId = next.Accounts.ToDictionary(a => a.Id);
        Assert.Equal(["u1", "u3", "u4", "u5"], byId.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Nora New", "member of Finance", true), (byId["u5"].DisplayName, byId["u5"].Access, byId["u5"].SignInKnown));
        Assert.Equal(("member of Finance through a nested group", true, true), (byId["u3"].Access, byId["u3"].IsGuest, byId["u3"].HasSponsor));
        Assert.False(byId["u4"].AccountEnabled);

        var full = await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, GroupId, false, GraphHarness.Bounded());
        Assert.Equal(full.OrderBy(a => a.Id, StringComparer.Ordinal), next.Accounts.OrderBy(a => a.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Changes_are_followed_over_every_next_link_of_the_round()
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());
        directory.Direct.Add("u5");
        directory.Nested.Remove("u3");
        graph.GetWhere("/groups/delta", "deltatoken=t1", GraphHarness.Json($$"""
            {"value":[{{Changes(GroupId, Added("u5"))}}],"@odata.nextLink":"{{graph.BaseUrl}}/groups/delta?$skiptoken=c2"}
            """));
        graph.GetWhere("/groups/delta", "skiptoken=c2", GraphHarness.Json($$"""
            {"value":[{{Changes(NestedId, Removed("u3"))}}],"@odata.deltaLink":"{{graph.BaseUrl}}/groups/delta?$deltatoken=t2"}
            """));

        var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, first.Next, GraphHarness.Bounded());

        Assert.True(next.FromChanges);
        Assert.Equal(["u1", "u2", "u4", "u5"], next.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.EndsWith("deltatoken=t2", next.Next!.Link, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(410, "resyncRequired")]
    [InlineData(400, "syncStateNotFound")]
    public async Task An_expired_delta_link_falls_back_to_a_full_read_and_starts_tracking_again(int status, string code)
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());
        directory.Direct.Add("u5");
        graph.GetWhere("/groups/delta", "deltatoken=t1", GraphHarness.Error(status, code, "The sync state generation is not found."));
        graph.Graph.ResetLogEntries();

        var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, first.Next, GraphHarness.Bounded());

        Assert.False(next.FromChanges);
        Assert.Contains("u5", next.Accounts.Select(a => a.Id));
        Assert.Single(graph.RequestsTo(TransitiveUsers));
        Assert.Equal($"{graph.BaseUrl}/groups/delta?$deltatoken=t1", next.Next?.Link); // a new first round
        Assert.Contains(graph.Logs.Entries, e => e.Message.Contains("expired", StringComparison.Ordinal) && e.Message.Contains("reading it in full", StringComparison.Ordinal));
    }

    public static TheoryData<string, string> DoubtfulRounds => new()
    {
        { "members@delta not an array", $$$"""{"value":[{"id":"{{{GroupId}}}","members@delta":{}}],"@odata.deltaLink":"BASE/groups/delta?$deltatoken=t2"}""" },
        { "a group not asked for", $$"""{"value":[{{Changes("g-other", Added("u5"))}}],"@odata.deltaLink":"BASE/groups/delta?$deltatoken=t2"}""" },
        { "the group deleted", $$$"""{"value":[{"id":"{{{GroupId}}}","@removed":{"reason":"changed"}}],"@odata.deltaLink":"BASE/groups/delta?$deltatoken=t2"}""" },
        { "a newly nested group", $$"""{"value":[{{Changes(GroupId, """{"@odata.type":"#microsoft.graph.group","id":"n-new"}""")}}],"@odata.deltaLink":"BASE/groups/delta?$deltatoken=t2"}""" },
        { "a member without an id", $$"""{"value":[{{Changes(GroupId, """{"@odata.type":"#microsoft.graph.user"}""")}}],"@odata.deltaLink":"BASE/groups/delta?$deltatoken=t2"}""" },
        { "neither link", $$"""{"value":[{{Changes(GroupId, Added("u5"))}}]}""" },
        { "both links", $$"""{"value":[],"@odata.nextLink":"BASE/groups/delta?$skiptoken=x","@odata.deltaLink":"BASE/groups/delta?$deltatoken=t2"}""" },
        { "no value array", """{"@odata.deltaLink":"BASE/groups/delta?$deltatoken=t2"}""" },
        { "a delta link to another host", $$"""{"value":[{{Changes(GroupId, Added("u5"))}}],"@odata.deltaLink":"https://graph.evil.example/v1.0/groups/delta?$deltatoken=t2"}""" },
        { "a next link to another host", $$"""{"value":[],"@odata.nextLink":"https://graph.evil.example/v1.0/groups/delta?$skiptoken=x"}""" },
        { "not JSON", "<html>maintenance</html>" },
    };

    [Theory]
    [MemberData(nameof(DoubtfulRounds))]
    public async Task A_doubtful_delta_round_is_not_applied_the_group_is_read_in_full(string what, string answer)
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());
        directory.Direct.Add("u5");
        graph.GetWhere("/groups/delta", "deltatoken=t1", GraphHarness.Json(answer.Replace("BASE", graph.BaseUrl, StringComparison.Ordinal)));
        graph.Graph.ResetLogEntries();

        var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, first.Next, GraphHarness.Bounded());

        Assert.False(next.FromChanges, what);
        Assert.Single(graph.RequestsTo("/groups/delta"), r => r.RequestMessage.Url.Contains("deltatoken=t1", StringComparison.Ordinal));
        Assert.Contains(graph.Logs.Entries, e => e.Message.Contains("were not used", StringComparison.Ordinal));
        Assert.Equal(["u1", "u2", "u3", "u4", "u5"], next.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Single(graph.RequestsTo(TransitiveUsers));
        Assert.StartsWith(graph.BaseUrl + "/", next.Next!.Link, StringComparison.Ordinal);
        Assert.DoesNotContain(graph.Logs.Entries, e => e.Message.Contains("deltatoken", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_kept_delta_link_to_another_host_is_never_followed()
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());
        await using var elsewhere = GraphHarness.Start();
        var hostile = first.Next! with { Link = first.Next!.Link.Replace(graph.BaseUrl, elsewhere.BaseUrl, StringComparison.Ordinal) };
        directory.Direct.Add("u5");

        var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, hostile, GraphHarness.Bounded());

        Assert.False(next.FromChanges);
        Assert.Contains("u5", next.Accounts.Select(a => a.Id));
        Assert.Empty(elsewhere.GraphRequests); // and so never saw the token
        Assert.Equal(0, elsewhere.TokensIssued);
    }

    [Fact]
    public async Task A_kept_membership_of_another_group_or_unreadable_is_not_applied()
    {
        await using var graph = GraphHarness.Start();
        _ = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());
        graph.Graph.ResetLogEntries();

        foreach (var membership in new[] { first.Next!.Membership.Replace(GroupId, "6a1f0c52-8d3e-4b7a-9f10-00000000f1a9", StringComparison.Ordinal), "{", "{\"v\":9}" })
        {
            var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, first.Next! with { Membership = membership }, GraphHarness.Bounded());
            Assert.False(next.FromChanges);
        }

        Assert.DoesNotContain(graph.RequestsTo("/groups/delta"), r => r.RequestMessage.Url.Contains("deltatoken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_member_the_changes_keep_but_Entra_no_longer_has_sends_the_read_back_to_a_full_one()
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());
        directory.AnswerChanges("t1", "t2"); // no changes reported...
        directory.Users.Remove("u2"); // ...yet Bob is gone from the tenant, and so from the group
        directory.Direct.Remove("u2");

        var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, first.Next, GraphHarness.Bounded());

        Assert.False(next.FromChanges);
        Assert.Equal(["u1", "u3", "u4"], next.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Tracking_is_not_kept_when_the_first_delta_round_disagrees_with_the_full_read()
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        graph.GetWhere("/groups/delta", "skiptoken=s2", GraphHarness.Json($$"""
            {"value":[],"@odata.deltaLink":"{{graph.BaseUrl}}/groups/delta?$deltatoken=t1"}
            """), priority: 5); // n1 and its members never come

        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());

        Assert.Equal(4, first.Accounts.Count);
        Assert.Null(first.Next);
        Assert.Contains(graph.Logs.Entries, e => e.Message.Contains("disagree", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Advancing_between_periods_moves_the_link_forward_so_the_period_starts_from_the_newer_one()
    {
        await using var graph = GraphHarness.Start();
        var directory = new FinanceDirectory(graph);
        var first = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, null, GraphHarness.Bounded());
        directory.Direct.Remove("u1");
        directory.AnswerChanges("t1", "t2", Changes(GroupId, Removed("u1")));
        directory.Direct.Add("u5");
        directory.AnswerChanges("t2", "t3", Changes(GroupId, Added("u5")));

        var advanced = await graph.Directory.AdvanceDeltaAsync(ReviewResourceKind.EntraGroup, GroupId, first.Next!, GraphHarness.Bounded());
        Assert.EndsWith("deltatoken=t2", advanced!.Link, StringComparison.Ordinal);
        graph.Graph.ResetLogEntries();
        var next = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EntraGroup, GroupId, false, advanced, GraphHarness.Bounded());

        Assert.True(next.FromChanges);
        Assert.Equal(["u2", "u3", "u4", "u5"], next.Accounts.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(graph.RequestsTo("/groups/delta"), r => r.RequestMessage.Url.Contains("deltatoken=t1", StringComparison.Ordinal));
        Assert.Null(await graph.Directory.AdvanceDeltaAsync(ReviewResourceKind.EntraGroup, GroupId, advanced with { Link = "https://graph.evil.example/v1.0/groups/delta?$deltatoken=t2" }, GraphHarness.Bounded()));
    }

    [Fact]
    public async Task An_enterprise_application_has_no_delta_and_is_read_in_full_every_period()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/servicePrincipals/sp1", """{"id":"sp1","displayName":"Payroll","appRoles":[]}""");
        graph.Get("/servicePrincipals/sp1/appRoleAssignedTo", graph.Page("",
            """{"id":"a1","appRoleId":"00000000-0000-0000-0000-000000000000","principalId":"11111111-1111-1111-1111-111111111111","principalType":"User","principalDisplayName":"Ann"}"""));
        graph.Get("/users/11111111-1111-1111-1111-111111111111", GraphHarness.User("11111111-1111-1111-1111-111111111111", "Ann", "ann@contoso.example"));

        var read = await graph.Directory.ReadPopulationSinceAsync(ReviewResourceKind.EnterpriseApplication, "sp1", false, null, GraphHarness.Bounded());

        Assert.Single(read.Accounts);
        Assert.Null(read.Next);
        Assert.False(read.FromChanges);
        Assert.Empty(graph.RequestsTo("/servicePrincipals/delta"));
        Assert.Null(await graph.Directory.AdvanceDeltaAsync(ReviewResourceKind.EnterpriseApplication, "sp1", new DeltaState("x", "y")));
    }
}
