using ChatCompliance.Core.Domain;

namespace ChatCompliance.Tests.Graph;

public sealed class GraphPopulationTests
{
    private const string SignedIn = """{"lastSignInDateTime":"2026-10-01T08:00:00Z","lastNonInteractiveSignInDateTime":"2026-11-02T09:30:00Z"}""";

    /// <summary>Group g1 "Finance": u1, u2 | u3 (guest), u4 (disabled) | u5 (through a nested group), on three pages.</summary>
    private static void ServeFinanceGroup(GraphHarness graph)
    {
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Get("/groups/g1/transitiveMembers/graph.user", graph.Page(
            "/groups/g1/transitiveMembers/graph.user?$skiptoken=p2",
            GraphHarness.User("u1", "Ann", "ann@contoso.example"),
            GraphHarness.User("u2", "Bob", null)));
        graph.GetWhere("/groups/g1/transitiveMembers/graph.user", "skiptoken=p2", GraphHarness.Json(graph.Page(
            "/groups/g1/transitiveMembers/graph.user?$skiptoken=p3",
            GraphHarness.User("u3", "Gail Guest", "gail@partner.example", type: "Guest"),
            GraphHarness.User("u4", "Dan Disabled", "dan@contoso.example", enabled: false))));
        graph.GetWhere("/groups/g1/transitiveMembers/graph.user", "skiptoken=p3", GraphHarness.Json(graph.Page(
            "",
            GraphHarness.User("u5", "Nora Nested", "nora@contoso.example"))));
        graph.Get("/groups/g1/members", graph.Page("", """{"id":"u1"}""", """{"id":"u2"}""", """{"id":"u3"}""", """{"id":"u4"}"""));
        foreach (var id in new[] { "u1", "u2", "u3", "u4", "u5" })
        {
            graph.Get($"/users/{id}", $$$"""{"id":"{{{id}}}","signInActivity":{{{(id == "u2" ? "{}" : SignedIn)}}}}""");
        }

        graph.Get("/users/u3/sponsors", graph.Page("", """{"@odata.type":"#microsoft.graph.user","id":"s1"}"""));
    }

    [Fact]
    public async Task Group_members_are_read_transitively_across_three_pages_of_nextLink()
    {
        await using var graph = GraphHarness.Start();
        ServeFinanceGroup(graph);

        var accounts = await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g1", includeManagers: false, GraphHarness.Bounded());

        Assert.Equal(["u1", "u2", "u3", "u4", "u5"], accounts.Select(a => a.Id));
        Assert.Equal(3, graph.RequestsTo("/groups/g1/transitiveMembers/graph.user").Count);
        var first = graph.RequestsTo("/groups/g1/transitiveMembers/graph.user")[0].RequestMessage;
        Assert.Contains("top=999", Uri.UnescapeDataString(first.Url), StringComparison.Ordinal);
        Assert.Contains("select=id,displayName,mail,userPrincipalName,accountEnabled,userType", Uri.UnescapeDataString(first.Url), StringComparison.Ordinal);
        Assert.Equal("member of Finance", accounts[0].Access);
        Assert.Equal("member of Finance through a nested group", accounts[4].Access);
        Assert.All(accounts, a => Assert.Null(a.AssignmentId));
        Assert.Equal("ann@contoso.example", accounts[0].Email);
        Assert.Equal("u2@contoso.example", accounts[1].Email);
    }

    [Fact]
    public async Task Disabled_accounts_and_guests_are_reported_with_whether_a_guest_has_a_sponsor()
    {
        await using var graph = GraphHarness.Start();
        ServeFinanceGroup(graph);

        var accounts = (await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g1", false, GraphHarness.Bounded())).ToDictionary(a => a.Id);

        Assert.False(accounts["u4"].AccountEnabled);
        Assert.True(accounts["u1"].AccountEnabled);
        Assert.True(accounts["u3"].IsGuest);
        Assert.True(accounts["u3"].HasSponsor);
        Assert.False(accounts["u1"].IsGuest);
        Assert.Null(accounts["u1"].HasSponsor);
        // Only guests' sponsors are asked for.
        Assert.Single(graph.GraphRequests, e => e.RequestMessage.Path.EndsWith("/sponsors", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_guest_without_a_sponsor_has_none_and_one_whose_sponsors_cant_be_read_is_unknown()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g2", """{"id":"g2","displayName":"Partners"}""");
        graph.Get("/groups/g2/transitiveMembers/graph.user", graph.Page(
            "",
            GraphHarness.User("x1", "Lone Guest", type: "Guest"),
            GraphHarness.User("x2", "Hidden Guest", type: "Guest")));
        graph.Get("/groups/g2/members", graph.Page("", """{"id":"x1"}""", """{"id":"x2"}"""));
        graph.Get("/users/x1", """{"id":"x1"}""");
        graph.Get("/users/x2", """{"id":"x2"}""");
        graph.Get("/users/x1/sponsors", graph.Page(""));
        graph.Respond("GET", "/users/x2/sponsors", GraphHarness.Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));

        var accounts = (await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g2", false, GraphHarness.Bounded())).ToDictionary(a => a.Id);

        Assert.False(accounts["x1"].HasSponsor);
        Assert.Null(accounts["x2"].HasSponsor);
    }

    [Fact]
    public async Task Last_sign_in_is_the_later_of_interactive_and_non_interactive()
    {
        await using var graph = GraphHarness.Start();
        ServeFinanceGroup(graph);

        var accounts = (await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g1", false, GraphHarness.Bounded())).ToDictionary(a => a.Id);

        Assert.Equal(DateTimeOffset.Parse("2026-11-02T09:30:00Z", System.Globalization.CultureInfo.InvariantCulture), accounts["u1"].LastSignInAt);
        Assert.True(accounts["u1"].SignInKnown);
        // Known, and never signed in.
        Assert.Null(accounts["u2"].LastSignInAt);
        Assert.True(accounts["u2"].SignInKnown);
        Assert.Contains("signInActivity", Uri.UnescapeDataString(graph.RequestsTo("/users/u1")[0].RequestMessage.Url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_sign_in_activity_is_refused_the_population_is_read_without_it()
    {
        await using var graph = GraphHarness.Start();
        ServeFinanceGroup(graph);
        graph.GetWhere("/users/*", "signInActivity", GraphHarness.Error(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license"), priority: 1);

        var accounts = await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g1", false, GraphHarness.Bounded());

        Assert.Equal(5, accounts.Count);
        Assert.All(accounts, a => Assert.False(a.SignInKnown));
        Assert.All(accounts, a => Assert.Null(a.LastSignInAt));
        Assert.Contains(graph.Logs.Entries, e => e.Message.Contains("AuditLog.Read.All", StringComparison.Ordinal));
    }

    [Fact]
    public async Task App_role_assignments_give_one_account_per_assignment_named_by_app_role()
    {
        await using var graph = GraphHarness.Start();
        const string admin = "11111111-1111-4111-8111-111111111111";
        const string reader = "22222222-2222-4222-8222-222222222222";
        const string ann = "aaaaaaaa-0000-4000-8000-000000000001";
        const string ops = "bbbbbbbb-0000-4000-8000-000000000002";
        const string robot = "cccccccc-0000-4000-8000-000000000003";
        const string nick = "dddddddd-0000-4000-8000-000000000004";
        graph.Get("/servicePrincipals/sp1", $$"""
            {"id":"sp1","displayName":"Payroll","appRoles":[
              {"id":"{{admin}}","displayName":"Admin","value":"Payroll.Admin","allowedMemberTypes":["User"],"isEnabled":true},
              {"id":"{{reader}}","displayName":"Reader","value":"Payroll.Read","allowedMemberTypes":["User"],"isEnabled":true}]}
            """);
        graph.Get("/servicePrincipals/sp1/appRoleAssignedTo", graph.Page(
            "",
            $$"""{"id":"as-1","appRoleId":"{{admin}}","principalId":"{{ann}}","principalType":"User","principalDisplayName":"Ann"}""",
            $$"""{"id":"as-2","appRoleId":"{{reader}}","principalId":"{{ann}}","principalType":"User","principalDisplayName":"Ann"}""",
            $$"""{"id":"as-3","appRoleId":"{{reader}}","principalId":"{{ops}}","principalType":"Group","principalDisplayName":"Ops"}""",
            $$"""{"id":"as-4","appRoleId":"{{admin}}","principalId":"{{robot}}","principalType":"ServicePrincipal","principalDisplayName":"Robot"}"""));
        graph.Get($"/users/{ann}", GraphHarness.User(ann, "Ann", "ann@contoso.example", signIn: SignedIn));
        graph.Get($"/groups/{ops}/transitiveMembers/graph.user", graph.Page("", GraphHarness.User(nick, "Nick", "nick@contoso.example")));
        graph.Get($"/users/{nick}", $$$"""{"id":"{{{nick}}}","signInActivity":{}}""");

        var accounts = await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EnterpriseApplication, "sp1", false, GraphHarness.Bounded());

        Assert.Equal(3, accounts.Count);
        Assert.Equal(("app role Admin", "as-1"), (accounts[0].Access, accounts[0].AssignmentId));
        Assert.Equal(("app role Reader", "as-2"), (accounts[1].Access, accounts[1].AssignmentId));
        Assert.Equal(ann, accounts[0].Id);
        Assert.Equal("ann@contoso.example", accounts[0].Email);
        Assert.True(accounts[0].SignInKnown);
        Assert.NotNull(accounts[0].LastSignInAt);
        // A group's assignment is expanded into its users, without an assignment id of their own.
        Assert.Equal((nick, "app role Reader through group Ops", (string?)null), (accounts[2].Id, accounts[2].Access, accounts[2].AssignmentId));
        Assert.DoesNotContain(accounts, a => a.Id == robot);
        // Ann's details are read once for her two assignments.
        Assert.Single(graph.RequestsTo($"/users/{ann}"));
    }

    [Fact]
    public async Task Managers_are_read_when_asked_for()
    {
        await using var graph = GraphHarness.Start();
        ServeFinanceGroup(graph);
        graph.GetWhere("/users/u1", "$expand=manager", GraphHarness.Json($$$"""{"id":"u1","signInActivity":{{{SignedIn}}},"manager":{{{GraphHarness.User("m1", "Mia Manager", "mia@contoso.example")}}}}"""));

        var accounts = (await graph.Directory.ReadPopulationAsync(ReviewResourceKind.EntraGroup, "g1", includeManagers: true, GraphHarness.Bounded())).ToDictionary(a => a.Id);

        Assert.Equal("mia@contoso.example", accounts["u1"].ManagerEmail);
        // Graph leaves out the manager of a user who has none.
        Assert.Null(accounts["u2"].ManagerEmail);
        // The manager comes with the user's sign-ins, in the same request: no request per manager.
        Assert.Contains(graph.Batches.SelectMany(b => b), url => url.StartsWith("/users/u1?$select=id,signInActivity&$expand=manager($select=id,mail,userPrincipalName)", StringComparison.Ordinal));
        Assert.DoesNotContain(graph.GraphRequests, e => e.RequestMessage.Path.EndsWith("/manager", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_resource_is_named_with_its_owners_emails()
    {
        await using var graph = GraphHarness.Start();
        graph.Get("/groups/g1", """{"id":"g1","displayName":"Finance"}""");
        graph.Get("/groups/g1/owners/graph.user", graph.Page("", GraphHarness.User("o1", "Olga", "olga@contoso.example"), GraphHarness.User("o2", "Otto")));

        var resource = await graph.Directory.ReadResourceAsync(ReviewResourceKind.EntraGroup, "g1", GraphHarness.Bounded());

        Assert.Equal(new[] { "olga@contoso.example", "o2@contoso.example" }, resource.OwnerEmails);
        Assert.Equal("Finance", resource.DisplayName);
    }
}
