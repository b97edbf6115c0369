using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Outbox;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Outbox;

/// <summary>
/// Teams sends cut off by a crash (rows left "sending" by an instance that is gone), in the running app over HTTP: each
/// kind follows its in-doubt policy, the whole incident reaches the lead as one card, and its Resend button is a
/// lead's alone, audited, and does its work once.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class DeliveryIncidentTests : IAsyncLifetime
{
    private static readonly TeamsUser Lead = new("lee@example.com", "29:lead", "aad-lead", "a:lead-conv");
    private static readonly TeamsUser Owner = new("olivia@example.com", "29:owner", "aad-owner", "a:owner-conv");

    private readonly BotFrameworkFakes _fakes = new();
    private readonly string _data = Directory.CreateTempSubdirectory("cc-delivery-").FullName;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;
    private int _activities;

    public async Task InitializeAsync()
    {
        var settings = _fakes.Settings();
        settings["Storage:DataDirectory"] = _data;
        settings["Outbox:IncidentQuietPeriod"] = "00:00:00.500";
        _app = new ComplianceApp(settings);
        _client = _app.CreateClient();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.AddRange(Person(Lead, "Lee Lead", PersonRoles.Employee | PersonRoles.ComplianceLead), Person(Owner, "Olivia Owner", PersonRoles.Employee | PersonRoles.ControlOwner));
            await db.SaveChangesAsync();
        }

        foreach (var user in new[] { Lead, Owner })
        {
            await SayAsync(user, "help"); // each has a personal conversation with the bot
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _fakes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Teams_sends_cut_off_by_a_crash_follow_their_kind_s_policy_and_reach_the_lead_as_one_alert()
    {
        await CutOffAsync(("reminder", "chase.reminder"), ("review", "review.request"), ("hand-off", "question.hand-off"));
        await OutboxWait.DrainedAsync(_app.Services);

        var owner = Posted(Owner);
        Assert.Single(owner); // the reminder, sent again; the review card and the hand-off held
        Assert.Contains("cut-off reminder", owner[0], StringComparison.Ordinal);
        var rows = await RowsAsync();
        Assert.NotNull(rows["reminder"].SentAt);
        Assert.All(rows.Values, r => Assert.NotNull(r.InDoubtAt));
        Assert.All([rows["review"], rows["hand-off"]], r => Assert.Equal((true, (DateTimeOffset?)null), (r.DeadLetteredAt is not null, r.SentAt)));
        Assert.Single(rows.Values.Select(r => r.IncidentId).Distinct());
        Assert.NotNull(rows["review"].IncidentId);

        var alert = Assert.Single(Posted(Lead), p => p.Contains("may not have been delivered", StringComparison.Ordinal));
        Assert.Contains("3 message(s) may not have been delivered", alert, StringComparison.Ordinal);
        Assert.Contains("review.request for Olivia Owner", alert, StringComparison.Ordinal);
        Assert.Contains("in doubt, held", alert, StringComparison.Ordinal);
        Assert.Contains("in doubt, sent again", alert, StringComparison.Ordinal);
        Assert.Contains("2 message(s) are held", alert, StringComparison.Ordinal);
        Assert.Contains("\"title\":\"Resend held\"", alert, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lead_s_resend_sends_the_held_messages_once_audited_and_a_second_click_sends_nothing()
    {
        await CutOffAsync(("review", "review.request"));
        await OutboxWait.DrainedAsync(_app.Services);
        var resend = ResendAction(Assert.Single(Posted(Lead), p => p.Contains("may not have been delivered", StringComparison.Ordinal)));

        Assert.Contains("Resending 1 held message(s)", await ClickAsync(Lead, resend), StringComparison.Ordinal);
        await OutboxWait.DrainedAsync(_app.Services);
        Assert.Contains("already resent", await ClickAsync(Lead, resend), StringComparison.Ordinal);
        await OutboxWait.DrainedAsync(_app.Services);

        Assert.Single(Posted(Owner), p => p.Contains("cut-off review", StringComparison.Ordinal));
        var row = (await RowsAsync())["review"];
        Assert.Equal((true, (DateTimeOffset?)null, (DateTimeOffset?)null), (row.SentAt is not null, row.DeadLetteredAt, row.InDoubtAt));
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var entry = Assert.Single(await db.AuditTrail.AsNoTracking().Where(e => e.Action == "outbox.resent").ToListAsync());
        Assert.Equal((nameof(OutboxMessage), row.Id.ToString("D"), Lead.Email), (entry.SubjectType, entry.SubjectId, entry.Actor));
        Assert.Contains("deadLetteredAt", entry.Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Someone_who_is_not_a_lead_cannot_resend_and_nothing_changes()
    {
        await CutOffAsync(("review", "review.request"));
        await OutboxWait.DrainedAsync(_app.Services);
        var resend = ResendAction(Assert.Single(Posted(Lead), p => p.Contains("may not have been delivered", StringComparison.Ordinal)));
        var before = (await RowsAsync())["review"];

        Assert.Contains("Only a compliance lead", await ClickAsync(Owner, resend), StringComparison.Ordinal);
        await Task.Delay(500);

        var after = (await RowsAsync())["review"];
        Assert.Equal((before.DeadLetteredAt, before.IncidentId, before.SentAt), (after.DeadLetteredAt, after.IncidentId, after.SentAt));
        Assert.Empty(Posted(Owner));
        await using var scope = _app.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().AuditTrail.AnyAsync(e => e.Action == "outbox.resent"));
    }

    [Theory]
    [InlineData("00000000-0000-0000-0000-000000000001", "can't find that delivery alert")]
    [InlineData("not-a-guid", "don't recognise that button")]
    [InlineData("", "don't recognise that button")]
    public async Task A_resend_naming_an_unknown_or_malformed_incident_changes_nothing(string incident, string reply)
    {
        await CutOffAsync(("review", "review.request"));
        await OutboxWait.DrainedAsync(_app.Services);
        var action = new JsonObject { ["verb"] = CardVerbs.OutboxResend, ["data"] = new JsonObject { ["verb"] = CardVerbs.OutboxResend, [CardDataKeys.Incident] = incident } };

        Assert.Contains(reply, await ClickAsync(Lead, action), StringComparison.Ordinal);
        await Task.Delay(500);

        Assert.NotNull((await RowsAsync())["review"].DeadLetteredAt);
        Assert.Empty(Posted(Owner));
    }

    [Fact]
    public async Task A_reply_this_instance_still_holds_is_never_taken_for_a_stuck_send_however_long_it_waits()
    {
        // Two replies written as being sent by this (live) instance 90 s ago, longer than a send can take (30 s) plus the
        // grace (30 s), their leases run out. The first is still in this instance's hands (queued behind a burst, as in a
        // 60 s load run on PostgreSQL): it stays ours. The second is not (its send ended without a record): stuck, resolved.
        var dispatcher = _app.Services.GetRequiredService<OutboxDispatcher>();
        var now = DateTimeOffset.UtcNow;
        var waiting = await WriteSendingAsync("waiting", dispatcher.ClaimPrefix + "live" + OutboxDispatcher.SendingSuffix, startedAt: now.AddSeconds(-90), claimedUntil: now.AddSeconds(-84));
        dispatcher._working[waiting] = 0;
        await WriteSendingAsync("stuck", dispatcher.ClaimPrefix + "hung" + OutboxDispatcher.SendingSuffix, startedAt: now.AddSeconds(-90), claimedUntil: now.AddSeconds(-84));
        try
        {
            var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
            while ((await RowsAsync())["stuck"].InDoubtAt is null && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(200);
            }

            await Task.Delay(1_500); // a recovery pass or more after the stuck one was resolved
            var rows = await RowsAsync();
            Assert.NotNull(rows["stuck"].InDoubtAt);
            Assert.Null(rows["waiting"].InDoubtAt);
            Assert.Null(rows["waiting"].DeadLetteredAt);
            Assert.Equal(dispatcher.ClaimPrefix + "live" + OutboxDispatcher.SendingSuffix, rows["waiting"].ClaimedBy);
        }
        finally
        {
            dispatcher._working.TryRemove(waiting, out _);
        }
    }

    private async Task<Guid> WriteSendingAsync(string key, string claim, DateTimeOffset startedAt, DateTimeOffset claimedUntil)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var conversation = await db.ConversationReferences.SingleAsync(c => c.ConversationId == Owner.Conversation);
        var row = new OutboxMessage
        {
            IdempotencyKey = key,
            Kind = "question.answer",
            Platform = Platform.Teams,
            ConversationReferenceId = conversation.Id,
            Payload = CardJson.Serialize(new Card(new CardHeader("Waiting"), [new TextElement($"waiting {key}")], $"waiting {key}")),
            CreatedAt = startedAt,
            NextAttemptAt = startedAt,
            ClaimedBy = claim,
            ClaimedUntil = claimedUntil,
            SendStartedAt = startedAt,
        };
        db.Outbox.Add(row);
        await db.SaveChangesAsync();
        return row.Id;
    }

    /// <summary>Rows for the owner left "sending" 3 s ago by an instance whose lease has run out.</summary>
    private async Task CutOffAsync(params (string Key, string Kind)[] rows)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var conversation = await db.ConversationReferences.SingleAsync(c => c.ConversationId == Owner.Conversation);
        var now = DateTimeOffset.UtcNow;
        foreach (var (key, kind) in rows)
        {
            db.Outbox.Add(new OutboxMessage
            {
                IdempotencyKey = key,
                Kind = kind,
                Platform = Platform.Teams,
                ConversationReferenceId = conversation.Id,
                Payload = CardJson.Serialize(new Card(new CardHeader("Cut off"), [new TextElement($"cut-off {key}")], $"cut-off {key}")),
                CreatedAt = now.AddSeconds(-5),
                NextAttemptAt = now.AddSeconds(-5),
                ClaimedBy = "gone-host-1-deadbeef:0123" + OutboxDispatcher.SendingSuffix,
                ClaimedUntil = now.AddSeconds(-1),
                SendStartedAt = now.AddSeconds(-3),
            });
        }

        await db.SaveChangesAsync();
        _app.Services.GetRequiredService<OutboxSignal>().Nudge();
    }

    private async Task<Dictionary<string, OutboxMessage>> RowsAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        return await db.Outbox.AsNoTracking().Where(o => o.Kind != OutboxDispatcher.DeadLetterAlertKind && o.Kind != OutboxQueue.ReplyKind).ToDictionaryAsync(o => o.IdempotencyKey);
    }

    private static JsonObject ResendAction(string activity)
    {
        var card = JsonNode.Parse(activity)!["attachments"]![0]!["content"]!;
        return card["actions"]!.AsArray().OfType<JsonObject>().Single(a => (string?)a["verb"] == CardVerbs.OutboxResend);
    }

    private async Task SayAsync(TeamsUser user, string text)
    {
        var activity = Activity("message", user);
        activity["text"] = text;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(activity)).StatusCode);
    }

    /// <summary>Clicks the <c>Action.Execute</c>; returns the invoke response's body.</summary>
    private async Task<string> ClickAsync(TeamsUser user, JsonObject action)
    {
        var activity = Activity("invoke", user);
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = "sent-1";
        activity["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = (string?)action["verb"], ["data"] = action["data"]!.DeepClone() }, ["trigger"] = "manual" };
        var response = await PostAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private JsonObject Activity(string type, TeamsUser user) => new()
    {
        ["type"] = type,
        ["id"] = $"act-{Interlocked.Increment(ref _activities)}",
        ["channelId"] = "msteams",
        ["serviceUrl"] = _fakes.ServiceUrl,
        ["from"] = new JsonObject { ["id"] = user.TeamsId, ["name"] = user.Email, ["aadObjectId"] = user.Aad },
        ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "ChatCompliance" },
        ["conversation"] = new JsonObject { ["id"] = user.Conversation, ["conversationType"] = "personal", ["tenantId"] = "tenant-1" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = "tenant-1" } },
    };

    private async Task<HttpResponseMessage> PostAsync(JsonObject activity)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _fakes.Token());
        var response = await _client.SendAsync(request);
        await OutboxWait.RepliesSentAsync(_app.Services, (string?)activity["id"]);
        return response;
    }

    /// <summary>The bodies of the activities the bot posted into the user's chat on its own (not replies).</summary>
    private List<string> Posted(TeamsUser user) =>
    [
        .. _fakes.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path == $"/connector/v3/conversations/{user.Conversation}/activities")
            .Select(c => c.RequestMessage.Body!),
    ];

    private static Person Person(TeamsUser user, string name, PersonRoles roles) => new()
    {
        Email = user.Email,
        DisplayName = name,
        Roles = roles,
        TeamsUserId = user.TeamsId,
        EntraObjectId = user.Aad,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private sealed record TeamsUser(string Email, string TeamsId, string Aad, string Conversation);
}
