using System.Text.Json.Nodes;
using WireMock;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace ChatCompliance.Tests.Graph;

/// <summary>
/// Group "Finance" (<see cref="GroupId"/>) as Graph serves it, answered from a model a test changes between two periods: direct users, a
/// nested group n1 with its own users, and the tenant's users (u3 is a guest with a sponsor). Both the full read
/// (<c>transitiveMembers</c>, <c>members</c>, per-user reads) and the first round of <c>groups/delta</c> (two pages)
/// answer from the model as it is at the moment of the request; later delta rounds are what the test says.
/// </summary>
internal sealed class FinanceDirectory
{
    public const string GroupId = "6a1f0c52-8d3e-4b7a-9f10-00000000f1a1";
    public const string NestedId = "6a1f0c52-8d3e-4b7a-9f10-00000000f1a2";
    private const string SignIn = """{"lastSignInDateTime":"2026-10-01T08:00:00Z","lastNonInteractiveSignInDateTime":"2026-11-02T09:30:00Z"}""";

    private readonly GraphHarness _graph;

    public FinanceDirectory(GraphHarness graph)
    {
        _graph = graph;
        graph.Get($"/groups/{GroupId}", $$"""{"id":"{{GroupId}}","displayName":"Finance"}""");
        graph.Get($"/groups/{GroupId}/owners/graph.user", graph.Page(""));
        graph.Get("/users/u3/sponsors", graph.Page("", """{"@odata.type":"#microsoft.graph.user","id":"s1"}"""), priority: 10);
        graph.Respond("GET", $"/groups/{GroupId}/transitiveMembers/graph.user", Answer(_ => Page(Transitive().Select(id => Users[id]))));
        graph.Respond("GET", $"/groups/{GroupId}/members", Answer(_ => Page([.. Direct.Select(Id), .. NestedInGroup ? [Id(NestedId)] : Array.Empty<string>()])));
        graph.Respond("GET", $"/groups/{GroupId}/transitiveMembers/graph.group", Answer(_ => Page(NestedInGroup ? [Id(NestedId)] : [])));
        graph.Respond("GET", "/users/*", Answer(request =>
        {
            if (!Users.TryGetValue(request.Path.Split('/')[3], out var user))
            {
                return (404, """{"error":{"code":"Request_ResourceNotFound","message":"gone"}}""");
            }

            var read = JsonNode.Parse(user)!.AsObject();
            read["signInActivity"] = JsonNode.Parse(SignIn);
            return (200, read.ToJsonString());
        }));

        // The first delta round: g1's direct users on one page, then the nesting and n1's users on the next.
        graph.Respond("GET", "/groups/delta", Answer(_ => (200, $$"""
            {"value":[{"id":"{{GroupId}}","members@delta":[{{string.Join(",", Direct.Select(Member))}}]}],
             "@odata.nextLink":"{{graph.BaseUrl}}/groups/delta?$skiptoken=s2"}
            """)));
        graph.GetWhere("/groups/delta", "skiptoken=s2", Answer(_ => (200, $$"""
            {"value":[{"id":"{{GroupId}}","members@delta":[{{(NestedInGroup ? $$"""{"@odata.type":"#microsoft.graph.group","id":"{{NestedId}}"}""" : "")}}]},
                      {"id":"{{NestedId}}","members@delta":[{{string.Join(",", Nested.Select(Member))}}]}],
             "@odata.deltaLink":"{{graph.BaseUrl}}/groups/delta?$deltatoken=t1"}
            """)));
    }

    /// <summary>Every user of the tenant, by id.</summary>
    public Dictionary<string, string> Users { get; } = new()
    {
        ["u1"] = GraphHarness.User("u1", "Ann", "ann@contoso.example"),
        ["u2"] = GraphHarness.User("u2", "Bob", null),
        ["u3"] = GraphHarness.User("u3", "Gail Guest", "gail@partner.example", type: "Guest"),
        ["u4"] = GraphHarness.User("u4", "Dan Disabled", "dan@contoso.example", enabled: false),
        ["u5"] = GraphHarness.User("u5", "Nora New", "nora@contoso.example"),
    };

    /// <summary>g1's direct user members.</summary>
    public SortedSet<string> Direct { get; } = ["u1", "u2", "u4"];

    /// <summary>n1's user members.</summary>
    public SortedSet<string> Nested { get; } = ["u3"];

    public bool NestedInGroup { get; set; } = true;

    /// <summary>Answers the delta link <c>$deltatoken=<paramref name="token"/></c> with one page of <paramref name="groups"/> and the next link.</summary>
    public void AnswerChanges(string token, string nextToken, params string[] groups) =>
        _graph.GetWhere("/groups/delta", $"deltatoken={token}", GraphHarness.Json($$"""
            {"value":[{{string.Join(",", groups)}}],"@odata.deltaLink":"{{_graph.BaseUrl}}/groups/delta?$deltatoken={{nextToken}}"}
            """));

    /// <summary>A group of a delta page with its member changes.</summary>
    public static string Changes(string groupId, params string[] members) => $$"""{"id":"{{groupId}}","members@delta":[{{string.Join(",", members)}}]}""";

    public static string Added(string userId) => Member(userId);

    public static string Removed(string userId) => $$$"""{"@odata.type":"#microsoft.graph.user","id":"{{{userId}}}","@removed":{"reason":"deleted"}}""";

    private static string Member(string userId) => $$"""{"@odata.type":"#microsoft.graph.user","id":"{{userId}}"}""";

    private static string Id(string id) => $$"""{"id":"{{id}}"}""";

    private IEnumerable<string> Transitive() => NestedInGroup ? Direct.Union(Nested).Order(StringComparer.Ordinal) : Direct;

    private static (int, string) Page(IEnumerable<string> items) => (200, $$"""{"value":[{{string.Join(",", items)}}]}""");

    private static IResponseBuilder Answer(Func<IRequestMessage, (int Status, string Json)> answer) =>
        Response.Create().WithCallback(request =>
        {
            var (status, json) = answer(request);
            return new ResponseMessage
            {
                StatusCode = status,
                Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String },
            };
        });
}
