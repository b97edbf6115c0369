using System.Text.Json.Nodes;
using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Graph;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using WireMock.ResponseBuilders;

namespace ChatCompliance.Tests.Outbox;

/// <summary>
/// A Teams person who never opened the bot, over HTTP: the lead assigns them a task in Teams, the dispatcher installs
/// the app for them through Microsoft Graph (WireMock), reads the 1:1 chat and sends the card there (WireMock connector);
/// where Graph refuses, the lead hears once who can't be reached and why; a Graph answer that makes no sense stores nothing.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TeamsInstallTests : IAsyncLifetime
{
    private const string CatalogAppId = "6f3b1c2d-0000-4000-8000-00000000ca7a";
    private const string Nina = "0c0ffee0-0000-4000-8000-0000000000a1";
    private const string InstalledApps = $"/users/{Nina}/teamwork/installedApps";
    private const string Installation = "NmYzYjFjMmQjIzBjMGZmZWUw";
    private const string NinaChat = "19:0c0ffee0-0000-4000-8000-0000000000a1_bot@unq.gbl.spaces";

    private static readonly TeamsPerson Lead = new("lee@example.com", "29:lead", "aad-lead", "a:lead-conv");

    private readonly DateOnly _due = new(DateTime.UtcNow.Year + 1, 1, 15);
    private GraphHarness _graph = null!;
    private ChatHarness _chat = null!;
    private Guid _nina;

    public async Task InitializeAsync()
    {
        _graph = GraphHarness.Start();
        _chat = await ChatHarness.StartAsync(new SqliteTestStore(), new Dictionary<string, string?>
        {
            ["Teams:CatalogAppId"] = CatalogAppId,
            ["Graph:TenantId"] = GraphHarness.TenantId,
            ["Graph:ClientId"] = GraphHarness.ClientId,
            ["Graph:ClientSecret"] = GraphHarness.ClientSecret,
            ["Graph:BaseUrl"] = _graph.BaseUrl,
            ["Graph:TokenEndpoint"] = $"http://127.0.0.1:{_graph.TokenServer.Port}/{{tenant}}/oauth2/v2.0/token",
        });
        await using (var db = _chat.Db())
        {
            var nina = new Person { Email = "nina@example.com", DisplayName = "Nina New", EntraObjectId = Nina, CreatedAt = DateTimeOffset.UtcNow };
            db.People.AddRange(
                nina,
                new Person { Email = Lead.Email, DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, TeamsUserId = Lead.TeamsId, EntraObjectId = Lead.Aad, CreatedAt = DateTimeOffset.UtcNow });
            db.Controls.Add(new Control
            {
                Code = "AC-01",
                Title = "Quarterly access review",
                Soc2Refs = ["CC6.2"],
                EvidenceDescription = "Signed export of the review",
                Frequency = EvidenceFrequency.Quarterly,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            _nina = nina.Id;
        }

        await _chat.TeamsSayAsync(Lead, "help"); // the lead has their chat with the bot; Nina never opened hers
    }

    public async Task DisposeAsync()
    {
        await _chat.DisposeAsync();
        await _graph.DisposeAsync();
    }

    [Fact]
    public async Task A_task_for_someone_who_never_opened_the_bot_installs_it_for_them_and_arrives_in_their_new_chat()
    {
        ServeInstallation(GraphHarness.Json("""{"@odata.type":"#microsoft.graph.userScopeTeamsAppInstallation","id":"new"}""", 201));

        var reply = ChatHarness.TextOf((await _chat.TeamsSayAsync(Lead, $"assign CC6.2 quarterly access review to nina@example.com due {_due:yyyy-MM-dd}")).Reply);

        Assert.StartsWith("Assigned **quarterly access review** (AC-01) to Nina New", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("haven't talked to me", reply, StringComparison.Ordinal);
        await OutboxWait.UntilAsync(() => Task.FromResult(_chat.TeamsPosted(NinaChat).Count == 1), "Nina's task card arrives in the chat Graph opened");
        Assert.Contains("quarterly access review", _chat.TeamsPosted(NinaChat)[0].ToJsonString(), StringComparison.Ordinal);

        var install = Assert.Single(_graph.RequestsTo(InstalledApps, "POST"));
        Assert.Equal($"{_graph.BaseUrl}/appCatalogs/teamsApps/{CatalogAppId}", (string?)JsonNode.Parse(install.RequestMessage.Body!)!["teamsApp@odata.bind"]);
        Assert.StartsWith("Bearer " + GraphHarness.TokenPrefix, GraphHarness.Header(install, "Authorization"), StringComparison.Ordinal);
        await using var db = _chat.Db();
        var stored = await db.ConversationReferences.SingleAsync(c => c.PersonId == _nina);
        Assert.Equal((Platform.Teams, ConversationScope.Personal, NinaChat, "tenant-1"), (stored.Platform, stored.Scope, stored.ConversationId, stored.TenantId));
        Assert.EndsWith("/connector/", stored.ServiceUrl, StringComparison.Ordinal); // Teams:ServiceUrl: the fake connector

        // Her next card goes straight to that chat: no second installation.
        await _chat.TeamsSayAsync(Lead, $"assign CC6.2 firewall review to nina@example.com due {_due:yyyy-MM-dd}");
        await OutboxWait.UntilAsync(() => Task.FromResult(_chat.TeamsPosted(NinaChat).Count == 2), "Nina's second card arrives");
        Assert.Single(_graph.RequestsTo(InstalledApps, "POST"));
    }

    [Fact]
    public async Task An_app_already_installed_for_them_still_delivers_the_card()
    {
        ServeInstallation(GraphHarness.Error(409, "Conflict", "App is already installed for this user."));

        await _chat.TeamsSayAsync(Lead, $"assign CC6.2 quarterly access review to nina@example.com due {_due:yyyy-MM-dd}");

        await OutboxWait.UntilAsync(() => Task.FromResult(_chat.TeamsPosted(NinaChat).Count == 1), "Nina's task card arrives");
        Assert.Single(_graph.RequestsTo(InstalledApps, "POST"));
    }

    [Fact]
    public async Task Installation_refused_tells_the_lead_once_who_cannot_be_reached_and_why()
    {
        ServeInstallation(GraphHarness.Error(403, "Forbidden", "Missing role permissions on the request."));

        await _chat.TeamsSayAsync(Lead, $"assign CC6.2 quarterly access review to nina@example.com due {_due:yyyy-MM-dd}");
        await OutboxWait.UntilAsync(() => Task.FromResult(Unreachable().Count == 1), "the lead hears that Nina can't be reached");
        await _chat.TeamsSayAsync(Lead, $"assign CC6.2 firewall review to nina@example.com due {_due:yyyy-MM-dd}");
        await OutboxWait.UntilAsync(() => Task.FromResult(_graph.RequestsTo(InstalledApps, "POST").Count == 2), "the second card tries again");
        await OutboxWait.DrainedAsync(_chat.App.Services);

        var notice = Assert.Single(Unreachable());
        Assert.Contains("Nina New can't be reached", notice, StringComparison.Ordinal);
        Assert.Contains("TeamsAppInstallation.ReadWriteForUser.All", notice, StringComparison.Ordinal);
        Assert.Empty(_chat.TeamsPosted(NinaChat));
        await using var db = _chat.Db();
        Assert.False(await db.ConversationReferences.AnyAsync(c => c.PersonId == _nina));
        Assert.Equal(2, await db.Outbox.CountAsync(o => o.RecipientPersonId == _nina && o.DeadLetteredAt != null && o.SentAt == null));
    }

    [Theory]
    [InlineData("chat id with a path in it", """{"id":"19:evil/../../v3/conversations/a:lead-conv"}""", null)]
    [InlineData("chat that is not a Teams chat id", """{"id":"a:lead-conv"}""", null)]
    [InlineData("chat answer that is not JSON", "<html>gateway</html>", null)]
    [InlineData("installation of another app", null, """{"value":[{"id":"other","teamsApp":{"id":"99999999-0000-4000-8000-000000000000"}}]}""")]
    [InlineData("installation without an id", null, """{"value":[{"teamsApp":{"id":"6f3b1c2d-0000-4000-8000-00000000ca7a"}}]}""")]
    public async Task A_malformed_Graph_answer_stores_no_conversation_and_sends_nothing(string what, string? chat, string? installations)
    {
        ServeInstallation(GraphHarness.Json("{}", 201), chat, installations);

        await _chat.TeamsSayAsync(Lead, $"assign CC6.2 quarterly access review to nina@example.com due {_due:yyyy-MM-dd}");

        await OutboxWait.UntilAsync(async () =>
        {
            await using var db = _chat.Db();
            return await db.Outbox.AnyAsync(o => o.RecipientPersonId == _nina && o.Attempts > 0 && o.LastError != null);
        }, $"the row for Nina fails on the {what}");
        await using var check = _chat.Db();
        Assert.False(await check.ConversationReferences.AnyAsync(c => c.PersonId == _nina || !c.ConversationId.StartsWith("a:")), what);
        var row = await check.Outbox.SingleAsync(o => o.RecipientPersonId == _nina);
        Assert.Null(row.SentAt);
        Assert.Null(row.ConversationReferenceId);
        Assert.Contains("Microsoft Graph answered with", row.LastError, StringComparison.Ordinal);
        Assert.Empty(Unreachable());
    }

    /// <summary>Graph: the install answered with <paramref name="install"/>, the installation listed, its chat read.</summary>
    private void ServeInstallation(IResponseBuilder install, string? chat = null, string? installations = null)
    {
        _graph.Respond("POST", InstalledApps, install);
        _graph.Get(InstalledApps, installations
            ?? $$$"""{"value":[{"id":"{{{Installation}}}","teamsApp":{"id":"{{{CatalogAppId}}}","externalId":"{{{BotFrameworkFakes.AppId}}}","displayName":"ChatCompliance"}}]}""");
        _graph.Get($"{InstalledApps}/{Installation}/chat", chat ?? $$"""{"id":"{{NinaChat}}","chatType":"oneOnOne"}""");
    }

    /// <summary>The words of the cards posted to the lead about someone who can't be reached.</summary>
    private List<string> Unreachable() =>
        [.. _chat.TeamsPosted(Lead.Conversation).Select(Words).Where(c => c.Contains("can't be reached", StringComparison.Ordinal))];

    /// <summary>Every string in a card, one a line.</summary>
    private static string Words(JsonNode card) => card switch
    {
        JsonObject o => string.Join('\n', o.Select(p => p.Value).OfType<JsonNode>().Select(Words)),
        JsonArray a => string.Join('\n', a.OfType<JsonNode>().Select(Words)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };
}
