using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// A decision, then a kill before its messages leave: the owner submits evidence from their Slack card on a bot
/// process that does not send (its dispatcher loop is off), which is killed outright (SIGKILL) once the decision is
/// stored. Another process on the same PostgreSQL then delivers what the decision queued, each exactly once: the
/// owner's other copy of the card (in Teams) replaced, the clicked Slack card replaced, and the lead's new card.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class DecisionKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string SlackSecret = "test-signing-secret";
    private const string SlackCopyTs = "1700000000.000100";
    private const string TeamsCopyId = "m-owner-copy";

    private readonly PostgresTestStore _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task A_decision_stored_before_a_kill_has_its_card_updates_delivered_once_after_the_restart()
    {
        using var teams = new TeamsConnectorStandIn(TimeSpan.Zero);
        using var slack = LoopbackWireMock.Start();
        var ts = 0;
        slack.Given(Request.Create().WithPath("/api/*").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithCallback(_ => new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = $$"""{"ok":true,"message_ts":"1700000000.000200","channel":"D-OWNER","ts":"1800000000.{{Interlocked.Increment(ref ts):D6}}"}""",
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                }));

        await using (var db = _store.NewContext())
        {
            await db.Database.MigrateAsync();
        }

        var task = await SeedAsync(teams.ServiceUrl);
        Dictionary<string, string> Environment(bool sends) => new()
        {
            ["ConnectionStrings__Postgres"] = _store.ConnectionString,
            ["SLACK_BOT_TOKEN"] = "xoxb-test",
            ["SLACK_SIGNING_SECRET"] = SlackSecret,
            ["Slack__TeamId"] = "T1",
            ["Slack__AppId"] = "A1",
            ["Slack__ApiBaseUrl"] = $"{LoopbackWireMock.Url(slack)}/api/",
            ["MicrosoftAppId"] = BotFrameworkFakes.AppId,
            ["MicrosoftAppPassword"] = "test-only-password",
            ["MicrosoftAppType"] = "SingleTenant",
            ["MicrosoftAppTenantId"] = "tenant-1",
            ["Teams__TokenEndpoint"] = teams.TokenEndpoint,
            ["Teams__OpenIdMetadataUrl"] = $"{LoopbackWireMock.Url(teams.Server)}/openid",
            ["Teams__AllowedServiceUrls__0"] = teams.ServiceUrl,
            ["Outbox__Enabled"] = sends ? "true" : "false",
            ["Jobs__WorkerCount"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        };

        // The decision, on a process that does not send.
        using (var first = await BotServer.StartAsync(Environment(sends: false)))
        {
            using var http = new HttpClient { BaseAddress = new Uri(first.Url) };
            var status = await ClickSubmitAsync(http, task);
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            await OutboxWait.UntilAsync(async () =>
            {
                await using var db = _store.NewContext();
                return await db.EvidenceTasks.AnyAsync(t => t.Id == task && t.Status == EvidenceTaskStatus.Submitted)
                    && await db.Outbox.AnyAsync(o => o.Kind == "reply.update"); // the clicked card's replacement follows the decision
            }, "the submission is stored", TimeSpan.FromSeconds(20));
            first.Kill();
        }

        await using (var db = _store.NewContext())
        {
            var queued = await db.Outbox.AsNoTracking().ToListAsync();
            output.WriteLine("Queued at the kill: " + string.Join(", ", queued.Select(o => $"{o.Kind} (sent {o.SentAt is not null})")));
            Assert.Contains(queued, o => o.ReplacesMessageId == TeamsCopyId && o.SentAt == null); // the Teams copy's update: decided, not sent
        }

        Assert.Empty(teams.Updates);

        // Another process delivers what the decision queued.
        using var second = await BotServer.StartAsync(Environment(sends: true));
        await OutboxWait.UntilAsync(async () =>
        {
            await using var db = _store.NewContext();
            return !await db.Outbox.AnyAsync(o => o.SentAt == null && o.DeadLetteredAt == null);
        }, "everything queued is sent", TimeSpan.FromSeconds(30));
        await Task.Delay(1000); // a second copy (there should be none) would show up now

        var update = Assert.Single(teams.Updates);
        Assert.Equal(("a:owner", TeamsCopyId), (update.Conversation, update.ActivityId));
        Assert.Contains("https://evidence.example.com/ac-01", update.Body, StringComparison.Ordinal); // the card shows the submission
        var slackUpdates = slack.LogEntries.Where(e => e.RequestMessage.Path == "/api/chat.update").Select(e => JsonNode.Parse(e.RequestMessage.Body!)!).ToList();
        var clicked = Assert.Single(slackUpdates);
        Assert.Equal(("D-OWNER", SlackCopyTs), ((string?)clicked["channel"], (string?)clicked["ts"]));
        Assert.Single(teams.Posts, p => p.Conversation == "a:lead"); // the lead's card to decide on, once
        await using (var db = _store.NewContext())
        {
            Assert.All(await db.Outbox.AsNoTracking().ToListAsync(), o => Assert.Equal((true, (DateTimeOffset?)null), (o.SentAt is not null, o.InDoubtAt)));
        }

        output.WriteLine($"After the restart: {teams.Updates.Count} Teams update, {slackUpdates.Count} Slack update, {teams.Posts.Count} new Teams card(s)");
    }

    private async Task<Guid> SeedAsync(string serviceUrl)
    {
        await using var db = _store.NewContext();
        var now = DateTimeOffset.UtcNow;
        var owner = new Person { Email = "olive@example.com", DisplayName = "Olive Owner", Roles = PersonRoles.Employee, SlackUserId = "U-OWNER", SlackTeamId = "T1", CreatedAt = now };
        var lead = new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = now };
        var control = new Control { Code = "AC-01", Title = "Access reviews", Soc2Refs = ["CC6.2"] };
        var task = new EvidenceTask { ControlId = control.Id, Title = "Quarterly access review", OwnerId = owner.Id, DueDate = DateOnly.FromDateTime(now.UtcDateTime).AddDays(14), CreatedAt = now, UpdatedAt = now };
        var slackChat = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = "D-OWNER", TenantId = "T1", UserId = "U-OWNER", PersonId = owner.Id, UpdatedAt = now };
        var teamsChat = new ConversationReference { Platform = Platform.Teams, Scope = ConversationScope.Personal, ConversationId = "a:owner", TenantId = "tenant-1", ServiceUrl = serviceUrl, PersonId = owner.Id, UpdatedAt = now };
        var leadChat = new ConversationReference { Platform = Platform.Teams, Scope = ConversationScope.Personal, ConversationId = "a:lead", TenantId = "tenant-1", ServiceUrl = serviceUrl, PersonId = lead.Id, UpdatedAt = now };
        db.AddRange(owner, lead, control, task, slackChat, teamsChat, leadChat);
        var subject = AuditSubjects.Id(task.Id);
        db.CardMessages.AddRange(
            new CardMessage { SubjectType = AuditSubjects.EvidenceTask, SubjectId = subject, ConversationReferenceId = slackChat.Id, MessageId = SlackCopyTs, Audience = CardAudience.Owner, CreatedAt = now },
            new CardMessage { SubjectType = AuditSubjects.EvidenceTask, SubjectId = subject, ConversationReferenceId = teamsChat.Id, MessageId = TeamsCopyId, Audience = CardAudience.Owner, CreatedAt = now });
        await db.SaveChangesAsync();
        return task.Id;
    }

    /// <summary>The owner's "Submit" on the Slack copy of their card, with a link, signed as Slack signs it.</summary>
    private static async Task<System.Net.HttpStatusCode> ClickSubmitAsync(HttpClient http, Guid task)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = "U-OWNER" },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["api_app_id"] = "A1",
            ["channel"] = new JsonObject { ["id"] = "D-OWNER" },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = SlackCopyTs, ["channel_id"] = "D-OWNER" },
            ["message"] = new JsonObject { ["ts"] = SlackCopyTs },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button", ["action_id"] = CardVerbs.TaskSubmit, ["block_id"] = "b1", ["action_ts"] = "1700000001.000000",
                ["value"] = new JsonObject { [CardDataKeys.Task] = task.ToString(), [CardDataKeys.Version] = "1" }.ToJsonString(),
            }),
            ["state"] = new JsonObject
            {
                ["values"] = new JsonObject
                {
                    [CardDataKeys.EvidenceUrl] = new JsonObject { [CardDataKeys.EvidenceUrl] = new JsonObject { ["type"] = "plain_text_input", ["value"] = "https://evidence.example.com/ac-01" } },
                },
            },
        };
        var bytes = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/interactivity") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", stamp);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(SlackSecret, stamp, bytes));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
