using System.Text.Json.Nodes;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Reviews;

/// <summary>
/// Separation of duties at the chat door: a reviewer whose own account ended up in their share of an access review
/// (a directory change after launch) clicks Keep or Revoke on it, in Teams and in Slack. They are told politely who can
/// decide it, the account stays undecided, and each refusal is a <c>review.refused</c> entry in an intact trail.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ReviewOwnAccessChatTests : IAsyncLifetime
{
    private static readonly TeamsPerson Rita = new("rita@example.com", "29:rita", "aad-rita", "a:rita-conv");
    private static readonly SlackPerson Sam = new("sam@example.com", "USAM", "DSAM");
    private const string Refusal = "This is your own access, so someone else must decide it: hand it to another reviewer (**Hand to someone else**), " +
        "or ask a compliance lead: Lee Lead.";

    private ChatHarness _chat = null!;

    public async Task InitializeAsync()
    {
        _chat = await ChatHarness.StartAsync(new SqliteTestStore());
        await using (var db = _chat.Db())
        {
            db.People.AddRange(
                new Person { Email = Rita.Email, DisplayName = "Rita Reviewer", TeamsUserId = Rita.TeamsId, EntraObjectId = Rita.Aad, CreatedAt = DateTimeOffset.UtcNow },
                new Person { Email = Sam.Email, DisplayName = "Sam Reviewer", SlackUserId = Sam.Id, SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow },
                new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await _chat.TeamsSayAsync(Rita, "help");
        await _chat.SlackSayAsync(Sam, "help");
    }

    public async Task DisposeAsync() => await _chat.DisposeAsync();

    [Fact]
    public async Task A_reviewer_clicking_keep_or_revoke_on_their_own_account_in_Teams_is_told_who_can_decide_and_nothing_changes()
    {
        var own = await LaunchWithOwnAccountAsync("Payroll", Rita.Email);
        var (_, list) = await _chat.TeamsSayAsync(Rita, "my reviews");
        var openButton = ChatHarness.Objects(ChatHarness.CardOf(list)).Single(o => (string?)o["type"] == "Action.Execute" && (string?)o["title"] == "Open");
        var (_, page) = await _chat.TeamsClickAsync(Rita, openButton);
        Assert.Contains("Rita", ChatHarness.Words(page!), StringComparison.Ordinal); // her own account is on her page

        var (keepStatus, keep) = await _chat.TeamsClickAsync(Rita, TeamsRowButton(page!, "Keep", own));
        var (revokeStatus, revoke) = await _chat.TeamsClickAsync(Rita, TeamsRowButton(page!, "Revoke", own), new JsonObject { ["justification"] = "I don't need it" });

        Assert.Equal((System.Net.HttpStatusCode.OK, System.Net.HttpStatusCode.OK), (keepStatus, revokeStatus));
        var teamsRefusal = Refusal.Replace("**", "", StringComparison.Ordinal); // an invoke's message is plain text on Teams
        Assert.Equal(teamsRefusal, (string?)keep);
        Assert.Equal(teamsRefusal, (string?)revoke);
        await AssertUndecidedAndRefusedAsync(own, Rita.Email, Platform.Teams);
    }

    [Fact]
    public async Task A_reviewer_clicking_keep_or_revoke_on_their_own_account_in_Slack_is_told_who_can_decide_and_nothing_changes()
    {
        var own = await LaunchWithOwnAccountAsync("Billing", Sam.Email);
        var (_, list) = await _chat.SlackCommandAsync(Sam, "my+reviews");
        var open = SlackButtons(list!).Single(b => (string?)b["text"]?["text"] == "Open");
        Assert.Equal(System.Net.HttpStatusCode.OK, await _chat.SlackClickAsync(Sam, open));
        var page = (await ChatHarness.WaitForAsync(() => _chat.SlackCalls("chat.postMessage", Sam.Channel)
            .Concat(_chat.SlackCalls("chat.update", Sam.Channel)).Where(m => ChatHarness.Words(m).Contains("Sam (admin)", StringComparison.Ordinal)).ToList(), 1))[^1];

        Assert.Equal(System.Net.HttpStatusCode.OK, await _chat.SlackClickAsync(Sam, SlackRowButton(page, "Keep", own)));
        var keep = (await ChatHarness.WaitForAsync(() => _chat.SlackCalls("chat.postEphemeral", Sam.Channel), 1))[^1];
        Assert.Equal(System.Net.HttpStatusCode.OK, await _chat.SlackClickAsync(Sam, SlackRowButton(page, "Revoke", own), ("justification", "I don't need it")));
        var revoke = (await ChatHarness.WaitForAsync(() => _chat.SlackCalls("chat.postEphemeral", Sam.Channel), 2))[^1];

        var slackRefusal = Refusal.Replace("**", "*", StringComparison.Ordinal); // Slack's mrkdwn bold
        Assert.Equal((slackRefusal, slackRefusal), ((string?)keep["text"], (string?)revoke["text"]));
        await AssertUndecidedAndRefusedAsync(own, Sam.Email, Platform.Slack);
    }

    /// <summary>
    /// A CSV campaign owned (and so reviewed) by <paramref name="reviewer"/>, of Alice and the reviewer's own admin
    /// account; the launch gives their own account to the fallback (the lead), then a directory change hands it back to
    /// them. Returns the own account's item id.
    /// </summary>
    private async Task<Guid> LaunchWithOwnAccountAsync(string system, string reviewer)
    {
        var name = reviewer.Split('@')[0];
        name = char.ToUpperInvariant(name[0]) + name[1..];
        await using var scope = _chat.App.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<CampaignLauncher>().CreateAsync(
            new NewCampaign($"{system} Q4", ReviewResourceKind.CsvAccounts, system, ReviewerRule.ResourceOwner, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(14),
                ResourceOwnerEmail: reviewer, FallbackReviewerEmail: "lee@example.com"),
            new TaskActor(null, Platform.Api, "test"),
            [
                new DirectoryAccount("alice", "Alice", "alice@example.com", "reader", null, true, false, null, DateTimeOffset.UtcNow.AddDays(-3), true, null),
                new DirectoryAccount($"{name}-admin", $"{name} (admin)", reviewer, "admin", null, true, false, null, DateTimeOffset.UtcNow.AddDays(-3), true, null),
            ]);
        Assert.Equal(ReviewOutcomeKind.Done, outcome.Kind);
        var db = scope.ServiceProvider.GetRequiredService<Core.Storage.ComplianceDbContext>();
        var person = await db.People.SingleAsync(p => p.Email == reviewer);
        var own = await db.AccessReviewItems.SingleAsync(i => i.SubjectEmail == reviewer);
        Assert.NotEqual(person.Id, own.ReviewerId); // the launch kept it from them
        await db.AccessReviewItems.Where(i => i.Id == own.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.ReviewerId, person.Id));
        return own.Id;
    }

    private async Task AssertUndecidedAndRefusedAsync(Guid own, string email, Platform platform)
    {
        await using var db = _chat.Db();
        var item = await db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.Id == own);
        Assert.Equal((ReviewDecision.Undecided, (string?)null, (Guid?)null, 1), (item.Decision, item.Justification, item.DecidedById, item.Version));
        Assert.False(await db.AuditTrail.AnyAsync(e => e.Action == "review.decided" || e.Action == "review.decision_changed"));
        var refusals = await db.AuditTrail.AsNoTracking().Where(e => e.Action == "review.refused").OrderBy(e => e.Sequence).ToListAsync();
        var plain = Refusal.Replace("**", "", StringComparison.Ordinal); // the audit trail keeps plain words, no chat formatting
        Assert.Equal(["decide keep refused: " + plain, "decide revoke refused: " + plain], refusals.Select(e => e.Reason));
        Assert.All(refusals, e => Assert.Equal((email, platform, AuditSubjects.AccessReviewItem, AuditSubjects.Id(own)), (e.Actor, e.Platform, e.SubjectType, e.SubjectId)));
        var report = await AuditChainVerifier.VerifyAsync(db, _chat.App.Services.GetRequiredService<AuditKeyRing>());
        Assert.True(report.Intact, report.Summary);
    }

    private static JsonObject TeamsRowButton(JsonNode card, string title, Guid item) =>
        ChatHarness.Objects(card).Single(o => (string?)o["type"] == "Action.Execute" && (string?)o["title"] == title && (string?)o["data"]?["item"] == item.ToString("D"));

    private static IEnumerable<JsonObject> SlackButtons(JsonNode message) =>
        message["blocks"]!.AsArray().OfType<JsonObject>().Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => b["elements"]!.AsArray().OfType<JsonObject>()).Where(e => (string?)e["type"] == "button");

    private static JsonObject SlackRowButton(JsonNode message, string title, Guid item) =>
        SlackButtons(message).Single(b => (string?)b["text"]?["text"] == title && (string?)JsonNode.Parse((string)b["value"]!)?["item"] == item.ToString("D"));
}
