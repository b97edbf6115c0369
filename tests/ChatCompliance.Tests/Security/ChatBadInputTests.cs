using System.Net;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Security;

public sealed class SqliteChatBadInputTests() : ChatBadInputTests(new SqliteTestStore());

public sealed class PostgresChatBadInputTests() : ChatBadInputTests(new PostgresTestStore());

/// <summary>
/// Bad input typed into chat, on each store (PostgreSQL text refuses U+0000): a NUL, half a character (a lone UTF-16
/// surrogate) or a date more than ten years away, in Teams messages and card submits, Slack slash commands and modal
/// submits. Each gets a polite message naming what was wrong (or a 400 when the request itself cannot be read), never a
/// 500, and changes nothing in the store.
/// </summary>
[Collection(AppCollection.Name)]
public abstract class ChatBadInputTests(ITestStore store) : IAsyncLifetime
{
    private static readonly TeamsPerson TeamsLead = new("lee@example.com", "29:lee", "aad-lee", "a:lee-conv");
    private static readonly TeamsPerson TeamsOwner = new("olivia@example.com", "29:olivia", "aad-olivia", "a:olivia-conv");
    private static readonly SlackPerson SlackLead = new("lee@example.com", "ULEE", "DLEE");
    private static readonly SlackPerson SlackOwner = new("olivia@example.com", "UOLIVIA", "DOLIVIA");

    private ChatHarness _chat = null!;
    private Guid _task;
    private string _before = "";

    public async Task InitializeAsync()
    {
        _chat = await ChatHarness.StartAsync(store);
        await using (var db = _chat.Db())
        {
            db.People.AddRange(
                new Person { Email = TeamsLead.Email, DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, TeamsUserId = TeamsLead.TeamsId, EntraObjectId = TeamsLead.Aad, SlackUserId = SlackLead.Id, SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow },
                new Person { Email = TeamsOwner.Email, DisplayName = "Olivia Owner", Roles = PersonRoles.Employee | PersonRoles.ControlOwner, TeamsUserId = TeamsOwner.TeamsId, EntraObjectId = TeamsOwner.Aad, SlackUserId = SlackOwner.Id, SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow });
            db.Controls.Add(new Control { Code = "AC-01", Title = "Quarterly access review", Soc2Refs = ["CC6.2"], CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await using (var scope = _chat.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Core.Storage.ComplianceDbContext>();
            var lead = await db.People.SingleAsync(p => p.Email == TeamsLead.Email);
            var outcome = await scope.ServiceProvider.GetRequiredService<EvidenceTaskService>()
                .CreateAsync(new NewTask("AC-01", TeamsOwner.Email, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30), "Q4 access review"), new TaskActor(lead, Platform.Teams));
            Assert.True(outcome.Succeeded, outcome.Message.Text);
            _task = outcome.Task!.Id;
        }

        // Everyone has talked to the bot before, on both platforms.
        await _chat.TeamsSayAsync(TeamsLead, "help");
        await _chat.TeamsSayAsync(TeamsOwner, "help");
        await _chat.SlackSayAsync(SlackLead, "help");
        await _chat.SlackSayAsync(SlackOwner, "help");
        _before = await StoreAsync();
    }

    public async Task DisposeAsync() => await _chat.DisposeAsync();

    public static TheoryData<string, string, string> TeamsMessages => new()
    {
        // why, the message's text as a JSON literal (escapes reach the server as typed), what the reply must say
        { "a NUL in an audit's name", "\"audit add soc2-type1 2027-03-01 SOC\\u0000 2\"", "NUL" },
        { "a NUL in a task's title", "\"assign AC-01 Back\\u0000ups to olivia@example.com due 2027-01-15\"", "NUL" },
        { "an audit in the year 9999", "\"audit add soc2-type1 9999-01-01 Far away\"", "more than 10 years" },
        { "a task due in the year 9999", "\"assign AC-01 Far away to olivia@example.com due 9999-01-01\"", "more than 10 years" },
        { "a review due in the year 9999", "\"review group 6a1f0c52-8d3e-4b7a-9f10-2c4d5e6f7a8b due 9999-01-01\"", "more than 10 years" },
    };

    [Theory]
    [MemberData(nameof(TeamsMessages))]
    public async Task A_Teams_message_a_store_cannot_keep_gets_a_polite_reason_and_changes_nothing(string why, string textJson, string reason)
    {
        var (status, reply) = await _chat.TeamsSayRawAsync(TeamsLead, textJson);

        Assert.True(status == HttpStatusCode.OK, $"{why}: {status}");
        Assert.Contains(reason, ChatHarness.TextOf(reply) ?? $"(no text reply: {reply?.ToJsonString()})", StringComparison.Ordinal);
        await AssertNothingChangedAsync(why);
    }

    [Fact]
    public async Task A_Teams_message_with_half_a_character_is_a_400_naming_it_and_changes_nothing()
    {
        var (status, problem) = await _chat.TeamsSayRawAsync(TeamsLead, "\"audit add soc2-type1 2027-03-01 SOC\\ud800 2\"");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("lone UTF-16 surrogate", (string?)problem?["detail"], StringComparison.Ordinal);
        await AssertNothingChangedAsync("lone surrogate");
    }

    public static TheoryData<string, string, string, string> TeamsExtensions => new()
    {
        // why, due date, the reason as a JSON literal (escapes reach the server as typed), what the answer must say
        { "an extension to the year 9999", "9999-01-01", "\"Busy\"", "more than 10 years" },
        { "an extension whose reason holds a NUL", "2030-01-01", "\"Bu\\u0000sy\"", "NUL" },
        { "an extension whose reason holds a lone surrogate", "2030-01-01", "\"Bu\\ud800sy\"", "broken character" },
    };

    [Theory]
    [MemberData(nameof(TeamsExtensions))]
    public async Task A_Teams_card_submit_a_store_cannot_keep_gets_a_reason_and_changes_nothing(string why, string due, string reasonJson, string expected)
    {
        var send = new JsonObject { ["verb"] = CardVerbs.TaskExtend, ["data"] = new JsonObject { [CardDataKeys.Task] = _task.ToString(), [CardDataKeys.Version] = "1" } };

        var (status, value) = await _chat.TeamsClickAsync(TeamsOwner, send, new JsonObject { [CardDataKeys.DueDate] = due, [CardDataKeys.Reason] = "@@reason@@" },
            json => json.Replace("\"@@reason@@\"", reasonJson, StringComparison.Ordinal));

        // The invoke is answered with a message (200), or refused as unreadable (400) when it is not text at all.
        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{why}: {status}");
        var said = status == HttpStatusCode.OK ? value is JsonValue text ? (string?)text : ChatHarness.Words(value!) : (string?)value?["detail"];
        Assert.Contains(expected, said, StringComparison.Ordinal);
        await AssertNothingChangedAsync(why);
    }

    public static TheoryData<string, string, string> SlashCommands => new()
    {
        // why, the command's text form-encoded, what the answer must say
        { "a NUL in an audit's name", "audit+add+soc2-type1+2027-03-01+SOC%00+2", "NUL" },
        { "a NUL in a task's title", "assign+AC-01+Back%00ups+to+olivia%40example.com+due+2027-01-15", "NUL" },
        { "an audit in the year 9999", "audit+add+soc2-type1+9999-01-01+Far+away", "more than 10 years" },
        { "a task due in the year 9999", "assign+AC-01+Far+away+to+olivia%40example.com+due+9999-01-01", "more than 10 years" },
    };

    [Theory]
    [MemberData(nameof(SlashCommands))]
    public async Task A_Slack_slash_command_a_store_cannot_keep_gets_a_polite_reason_and_changes_nothing(string why, string text, string reason)
    {
        var (status, body) = await _chat.SlackCommandAsync(SlackLead, text);

        Assert.True(status == HttpStatusCode.OK, $"{why}: {status}");
        Assert.Contains(reason, (string?)body?["text"] ?? "(no text)", StringComparison.Ordinal);
        await AssertNothingChangedAsync(why);
    }

    [Fact]
    public async Task A_Slack_slash_command_with_half_a_character_is_a_400_with_a_reason_and_changes_nothing()
    {
        // A lone surrogate cannot be UTF-8: the nearest a form body gets is its CESU-8 bytes, which are not UTF-8 at all.
        var (status, body) = await _chat.SlackCommandAsync(SlackLead, "audit+add+soc2-type1+2027-03-01+SOC%ED%A0%80+2");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrWhiteSpace((string?)body?["detail"]));
        await AssertNothingChangedAsync("CESU-8 surrogate");
    }

    public static TheoryData<string, string, string, string?, string> SlackModals => new()
    {
        // why, due date, reason, a replacement of the reason in the raw JSON (escapes as Slack could send them), what the answer must say
        { "an extension to the year 9999", "9999-01-01", "Busy", null, "more than 10 years" },
        { "an extension whose reason holds a NUL", "2030-01-01", "Busy", "Bu\\u0000sy", "NUL" },
        { "an extension whose reason holds a lone surrogate", "2030-01-01", "Busy", "Bu\\ud800sy", "broken character" },
    };

    [Theory]
    [MemberData(nameof(SlackModals))]
    public async Task A_Slack_modal_submit_a_store_cannot_keep_gets_a_polite_reason_and_changes_nothing(string why, string due, string reason, string? rawReason, string expected)
    {
        var before = _chat.SlackCalls("chat.postMessage", "D1").Count;
        var metadata = new JsonObject { [CardDataKeys.Task] = _task.ToString(), [CardDataKeys.Version] = "1" };

        var (status, body) = await _chat.SlackSubmitAsync(SlackOwner, CardVerbs.TaskExtend, metadata, [(CardDataKeys.DueDate, due), (CardDataKeys.Reason, reason)],
            rawReason is null ? null : json => json.Replace("\"Busy\"", $"\"{rawReason}\"", StringComparison.Ordinal));

        Assert.True(status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{why}: {status} {body}");
        if (status == HttpStatusCode.OK)
        {
            // The modal closes; the answer comes in the person's direct messages (conversations.open names D1).
            var answer = (await ChatHarness.WaitForAsync(() => _chat.SlackCalls("chat.postMessage", "D1"), before + 1))[before];
            Assert.Contains(expected, (string?)answer["text"], StringComparison.Ordinal);
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(body)?["detail"]), why);
        }

        await AssertNothingChangedAsync(why);
    }

    /// <summary>What a bad input must not change: the rows people make through chat, and the task's dates and version.</summary>
    private async Task<string> StoreAsync()
    {
        await using var db = _chat.Db();
        var task = await db.EvidenceTasks.AsNoTracking().SingleAsync(t => t.Id == _task);
        return string.Join(" | ",
            $"audits {await db.Audits.CountAsync()}",
            $"tasks {await db.EvidenceTasks.CountAsync()}",
            $"campaigns {await db.AccessReviewCampaigns.CountAsync()}",
            $"trail {await db.AuditTrail.CountAsync()}",
            $"task {task.DueDate} {task.RequestedDueDate} {task.ExtensionReason} v{task.Version}");
    }

    private async Task AssertNothingChangedAsync(string why)
    {
        await Task.Delay(200); // anything wrongly queued in the background would have run by now
        Assert.True(_before == await StoreAsync(), $"{why}: the store changed: {_before} -> {await StoreAsync()}");
    }
}
