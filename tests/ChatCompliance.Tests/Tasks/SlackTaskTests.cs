using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatCompliance.Tests.Tasks;

/// <summary>
/// Evidence tasks in Slack, over HTTP: signed direct messages and slash commands, buttons as <c>block_actions</c> built
/// from the blocks the bot really posted (action id, value, <c>state.values</c>), WireMock as the Web API. Like Slack,
/// the fake gives messages in different channels the same <c>ts</c>: a ts is unique only within its channel.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SlackTaskTests : IAsyncLifetime
{
    private const string Secret = "test-signing-secret";
    private const string Ts = "1700000000.000100";
    private const string Evidence = "https://evidence.example.com/ac-01/q4-review.pdf";

    private static readonly SlackUser Owner = new("olivia@example.com", "UOWNER", "DOWNER");
    private static readonly SlackUser Lead = new("lee@example.com", "ULEAD", "DLEAD");
    private static readonly SlackUser Other = new("oscar@example.com", "UOTHER", "DOTHER");
    private static readonly SlackUser Delegate = new("dan@example.com", "UDEL", "DDEL");

    private readonly string _data = Directory.CreateTempSubdirectory("cc-slack-tasks-").FullName;
    private readonly DateOnly _due = new(DateTime.UtcNow.Year + 1, 1, 15);
    private WireMockServer _slack = null!;
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;
    private int _events;

    public async Task InitializeAsync()
    {
        var port = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var free = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        _slack = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{free}"] });
        _slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"ok":true,"channel":"D123","ts":"{{Ts}}","message_ts":"1700000000.000200"}"""));
        _app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = Secret,
            ["Slack:ApiBaseUrl"] = $"{_slack.Urls[0]}/api/",
        });
        _client = _app.CreateClient();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.AddRange(
                Person(Owner, "Olivia Owner", PersonRoles.Employee | PersonRoles.ControlOwner),
                Person(Lead, "Lee Lead", PersonRoles.Employee | PersonRoles.ComplianceLead),
                Person(Other, "Oscar Other", PersonRoles.Employee),
                Person(Delegate, "Dan Delegate", PersonRoles.Employee));
            db.Controls.Add(new Control { Code = "AC-01", Title = "Quarterly access review", Soc2Refs = ["CC6.2"], CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        // Everyone has written to the bot before, so each has a direct-message conversation.
        foreach (var user in new[] { Owner, Lead, Other, Delegate })
        {
            await DmAsync(user, "help");
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task My_tasks_lists_open_tasks_soonest_due_first_with_buttons_whose_action_ids_carry_the_verb()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await CreateTaskAsync("Firewall rule review", today.AddDays(30));
        var access = await CreateTaskAsync("Q4 access review", today.AddDays(5));

        var response = await PostAsync("/slack/commands", $"command=%2Fcompliance&text=my+tasks&user_id={Owner.Id}&channel_id={Owner.Channel}&team_id=T1", form: true);

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", (string?)body["response_type"]);
        var words = Words(body["blocks"]!);
        Assert.Contains("Your open evidence tasks (2)", words, StringComparison.Ordinal);
        Assert.True(words.IndexOf("Q4 access review", StringComparison.Ordinal) < words.IndexOf("Firewall rule review", StringComparison.Ordinal), words);
        var firstRow = body["blocks"]!.AsArray().First(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
        Assert.Equal(["task.form", "task.form#2", "task.show"], firstRow.Select(e => (string?)e!["action_id"]));
        Assert.Equal([CardVerbs.TaskForm, CardVerbs.TaskForm, CardVerbs.TaskShow], firstRow.Select(e => BlockKitRenderer.VerbOf((string)e!["action_id"]!)));
        var value = JsonNode.Parse((string)firstRow[1]!["value"]!)!;
        Assert.Equal((access.ToString(), "1", TaskForms.Extend), ((string?)value["task"], (string?)value["version"], (string?)value["form"]));
    }

    [Fact]
    public async Task A_button_on_the_ephemeral_my_tasks_answer_replaces_it_through_its_response_url_only_on_slacks_host()
    {
        var task = await CreateTaskAsync("Q4 access review", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(5));
        _slack.Given(Request.Create().WithPath("/hooks/*").UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        var answer = await SlashAsync(Owner, "my tasks");
        var open = answer["blocks"]!.AsArray().First(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray().Last()!.AsObject();

        await PostActionAsync(Owner, open, null, ephemeralResponseUrl: $"{_slack.Urls[0]}/hooks/T1/B1/xyz");
        await PostActionAsync(Owner, open, null, ephemeralResponseUrl: "https://attacker.example.com/hooks/steal");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_slack.LogEntries.Any(e => e.RequestMessage.Path == "/hooks/T1/B1/xyz") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var replaced = Assert.Single(_slack.LogEntries, e => e.RequestMessage.Path == "/hooks/T1/B1/xyz");
        var body = JsonNode.Parse(replaced.RequestMessage.Body!)!;
        Assert.True((bool)body["replace_original"]!);
        Assert.Contains("Submit evidence", body["blocks"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.False(replaced.RequestMessage.Headers!.ContainsKey("Authorization")); // never the bot token
        Assert.Equal(task, (await TaskAsync()).Id);
    }

    [Fact]
    public async Task An_owner_submits_evidence_and_a_leads_acceptance_updates_the_owners_message()
    {
        var ownerCard = await AssignToOwnerAsync();

        var form = await ClickAsync(Owner, Button(ownerCard, "Submit evidence"));

        Assert.Equal(("chat.update", Owner.Channel, Ts), (form.Method, (string?)form.Body["channel"], (string?)form.Body["ts"]));
        Assert.Contains(form.Body["blocks"]!.AsArray(), b => (string?)b!["type"] == "input" && (string?)b["block_id"] == CardDataKeys.EvidenceUrl);
        var sent = await ClickAsync(Owner, Button(form.Body, "Send"), State(
            (CardDataKeys.EvidenceUrl, Evidence), (CardDataKeys.Note, "Signed by the CISO"), (CardDataKeys.EffectiveFrom, $"{_due.Year - 1}-10-01")));

        Assert.Equal("chat.update", sent.Method);
        Assert.Contains("Thanks: your evidence is with the compliance team.", Words(sent.Body), StringComparison.Ordinal);
        Assert.Empty(Buttons(sent.Body, "Submit evidence"));
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Submitted, Evidence, "Signed by the CISO", new DateOnly(_due.Year - 1, 10, 1)),
            (task.Status, task.EvidenceUrl, task.EvidenceNote, task.EvidenceEffectiveFrom));

        // The lead gets a message to decide on, with the evidence link; accepting updates the owner's message too.
        var leadCard = Assert.Single(Calls("chat.postMessage", Lead.Channel), c => Buttons(c, "Accept").Count == 1);
        Assert.Contains(Evidence, Words(leadCard), StringComparison.Ordinal);
        var accepted = await ClickAsync(Lead, Button(leadCard, "Accept"), State((CardDataKeys.Reason, "Complete")));

        Assert.Equal(("chat.update", Lead.Channel), (accepted.Method, (string?)accepted.Body["channel"]));
        Assert.Contains("Evidence accepted.", Words(accepted.Body), StringComparison.Ordinal);
        await OutboxWait.DrainedAsync(_app.Services); // the owner's copy is replaced through the outbox
        var ownersMessage = Calls("chat.update", Owner.Channel)[^1];
        Assert.Equal(Ts, (string?)ownersMessage["ts"]);
        Assert.Contains("Status\nAccepted", Words(ownersMessage).Replace("*", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(Buttons(ownersMessage, "Submit evidence"));
        task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Accepted, "Complete"), (task.Status, task.DecisionReason));
        var trail = await TrailAsync();
        Assert.Equal(["task.created", "task.submitted", "task.accepted"], trail.Select(e => e.Action));
        Assert.All(trail, e => Assert.Equal(Platform.Slack, e.Platform));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task My_tasks_pages_through_every_open_task_by_button_and_by_typing_the_page()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 1; i <= TaskCards.ListLimit + 2; i++)
        {
            await CreateTaskAsync($"Paged task {i:00}", today.AddDays(i));
        }

        var first = await DmAsync(Owner, "my tasks");
        Assert.Contains($"Tasks 1–{TaskCards.ListLimit} of {TaskCards.ListLimit + 2}", Words(first), StringComparison.Ordinal);
        Assert.DoesNotContain("Paged task 16", Words(first), StringComparison.Ordinal);
        Assert.DoesNotContain("**", Words(first), StringComparison.Ordinal);

        var second = (await ClickAsync(Owner, Button(first, "Next page"))).Body;
        var typed = await DmAsync(Owner, "my tasks 2");

        foreach (var page in new[] { second, typed })
        {
            var words = Words(page);
            Assert.Contains("Paged task 16", words, StringComparison.Ordinal);
            Assert.Contains("Paged task 17", words, StringComparison.Ordinal);
            Assert.DoesNotContain("Paged task 15", words, StringComparison.Ordinal);
            Assert.Single(Buttons(page, "Previous page"));
            Assert.Empty(Buttons(page, "Next page"));
        }
    }

    [Fact]
    public async Task A_lead_runs_the_chase_and_digest_now_on_slack_in_slacks_own_format_and_anyone_else_is_refused()
    {
        var chase = (string)(await DmAsync(Lead, "chase now"))["text"]!;
        var digest = (string)(await DmAsync(Lead, "Digest now"))["text"]!;
        var refused = (string)(await DmAsync(Other, "chase now"))["text"]!;

        Assert.StartsWith("Chase: nothing was due", chase, StringComparison.Ordinal);
        Assert.Equal("Digest: no channel is subscribed to digests, or it was just sent (type *subscribe digests* in a channel).", digest); // mrkdwn, not Markdown
        Assert.Equal("Only a compliance lead can run jobs now.", refused);
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var runs = await db.AuditTrail.Where(e => e.SubjectType == "Job").OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal([("job.run", "chase", Lead.Email, Platform.Slack), ("job.run", "digest", Lead.Email, Platform.Slack), ("job.run_refused", "chase", Other.Email, Platform.Slack)],
            runs.Select(e => (e.Action, e.SubjectId, e.Actor, e.Platform)));
    }

    [Fact]
    public async Task A_delegate_who_opened_the_task_sees_the_owners_submission_on_their_message()
    {
        await CreateTaskAsync("Q4 access review", _due, Delegate.Email);
        var ownerList = await DmAsync(Owner, "my tasks");
        var delegateList = await DmAsync(Delegate, "my tasks");
        var ownerCard = (await ClickAsync(Owner, Button(ownerList, "Open"))).Body;
        var opened = await ClickAsync(Delegate, Button(delegateList, "Open"));
        Assert.Contains("Q4 access review", Words((await SlashAsync(Delegate, "my tasks"))["blocks"]!), StringComparison.Ordinal);
        Assert.Equal(("chat.update", Delegate.Channel), (opened.Method, (string?)opened.Body["channel"]));

        var form = (await ClickAsync(Owner, Button(ownerCard, "Mark done"))).Body;
        await ClickAsync(Owner, Button(form, "Send"), State((CardDataKeys.Note, "Reviewed in the HR system")));
        await OutboxWait.DrainedAsync(_app.Services); // the other copies are updated through the outbox

        var delegatesMessage = Calls("chat.update", Delegate.Channel)[^1];
        Assert.Equal(Ts, (string?)delegatesMessage["ts"]);
        Assert.Contains("Submitted, waiting for the compliance team", Words(delegatesMessage), StringComparison.Ordinal);
        Assert.Empty(Buttons(delegatesMessage, "Mark done"));
    }

    [Fact]
    public async Task A_click_by_someone_else_gets_an_ephemeral_refusal_and_is_audited()
    {
        var ownerCard = await AssignToOwnerAsync();
        var form = (await ClickAsync(Owner, Button(ownerCard, "Submit evidence"))).Body;

        var refused = await ClickAsync(Other, Button(form, "Send"), State((CardDataKeys.EvidenceUrl, "https://attacker.example/fake.pdf")));

        Assert.Equal(("chat.postEphemeral", Other.Channel, Other.Id), (refused.Method, (string?)refused.Body["channel"], (string?)refused.Body["user"]));
        Assert.Equal("Only the task's owner or their delegate can do that.", (string?)refused.Body["text"]);
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Open, 1, (string?)null), (task.Status, task.Version, task.EvidenceUrl));
        var entry = (await TrailAsync())[^1];
        Assert.Equal(("task.refused", Other.Email, Platform.Slack), (entry.Action, entry.Actor, entry.Platform));
        Assert.Equal("task.submitted refused: Only the task's owner or their delegate can do that.", entry.Reason);
        Assert.DoesNotContain(Calls("chat.postMessage", Lead.Channel), c => Buttons(c, "Accept").Count > 0);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_double_click_submits_once()
    {
        var ownerCard = await AssignToOwnerAsync();
        var form = (await ClickAsync(Owner, Button(ownerCard, "Submit evidence"))).Body;
        var send = Button(form, "Send");
        var state = State((CardDataKeys.EvidenceUrl, Evidence));
        var before = Calls("chat.update", Owner.Channel).Count;

        await PostActionAsync(Owner, send, state);
        await PostActionAsync(Owner, send, state);

        // Both replies replace the clicked message through the outbox; the first is dropped if it is still waiting when the
        // second comes: the card ends on the second either way.
        await OutboxWait.UntilAsync(() => Task.FromResult(Calls("chat.update", Owner.Channel).Skip(before).Any(c => Words(c).Contains("This task changed since that card was shown", StringComparison.Ordinal))),
            "the second click's reply replaces the card");
        await OutboxWait.DrainedAsync(_app.Services);
        var replies = Calls("chat.update", Owner.Channel).Skip(before).ToList();
        Assert.InRange(replies.Count, 1, 2);
        Assert.Contains("This task changed since that card was shown", Words(replies[^1]), StringComparison.Ordinal);
        Assert.All(replies.SkipLast(1), r => Assert.Contains("Thanks: your evidence is with the compliance team.", Words(r), StringComparison.Ordinal));
        Assert.Equal(2, (await TaskAsync()).Version);
        Assert.Single(await TrailAsync(), e => e.Action == "task.submitted");
        Assert.Single(Calls("chat.postMessage", Lead.Channel), c => Buttons(c, "Accept").Count > 0);
    }

    [Fact]
    public async Task Assign_with_slacks_mailto_links_works_for_a_lead_and_is_refused_for_anyone_else()
    {
        var reply = await DmAsync(Lead, $"assign CC6.2 quarterly access review to <mailto:alice@example.com|alice@example.com> due {_due:yyyy-MM-dd}");

        Assert.StartsWith($"Assigned *quarterly access review* (AC-01) to alice, due {_due:yyyy-MM-dd}.", (string?)reply["text"], StringComparison.Ordinal);
        var refused = await DmAsync(Other, $"assign CC6.2 quarterly access review to <mailto:bob@example.com|bob@example.com> due {_due:yyyy-MM-dd}");

        Assert.Equal("Only a compliance lead can assign evidence tasks.", (string?)refused["text"]);
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var task = await db.EvidenceTasks.Include(t => t.Owner).Include(t => t.Control).SingleAsync();
        Assert.Equal(("alice@example.com", "AC-01", _due), (task.Owner!.Email, task.Control!.Code, task.DueDate));
        Assert.False(await db.People.AnyAsync(p => p.Email == "bob@example.com"));
        var entries = await db.AuditTrail.OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal([("task.created", Lead.Email), ("task.create_refused", Other.Email)], entries.Select(e => (e.Action, e.Actor)));
    }

    /// <summary>The lead assigns AC-01 to the owner by direct message; returns the message posted to the owner.</summary>
    [Fact]
    public async Task A_lead_who_owns_a_task_cannot_mark_it_done_nor_accept_their_own_evidence_and_is_told_who_can()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.Add(new Person { Email = "bea@example.com", DisplayName = "Bea Backup", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await DmAsync(Lead, $"assign AC-01 Q4 access review to <mailto:{Lead.Email}|{Lead.Email}> due {_due:yyyy-MM-dd}");
        var ownerCard = Assert.Single(await WaitForAsync(() => [.. Calls("chat.postMessage", Lead.Channel).Where(c => Buttons(c, "Submit evidence").Count == 1)], 1));

        var doneForm = (await ClickAsync(Lead, Button(ownerCard, "Mark done"))).Body;
        var done = await ClickAsync(Lead, Button(doneForm, "Send"), State((CardDataKeys.Note, "Done, trust me")));

        Assert.Equal("chat.postEphemeral", done.Method);
        Assert.Equal("You own this task and are a compliance lead, so you can't mark it done yourself: submit the evidence as a link, " +
            "and another compliance lead must accept it: Bea Backup.", (string?)done.Body["text"]);
        Assert.Equal(EvidenceTaskStatus.Open, (await TaskAsync()).Status);

        var form = (await ClickAsync(Lead, Button(ownerCard, "Submit evidence"))).Body;
        await ClickAsync(Lead, Button(form, "Send"), State((CardDataKeys.EvidenceUrl, Evidence)));
        var leadCard = Assert.Single(await WaitForAsync(() => [.. Calls("chat.postMessage", Lead.Channel).Where(c => Buttons(c, "Accept").Count == 1)], 1));
        var accepted = await ClickAsync(Lead, Button(leadCard, "Accept"));

        Assert.Equal(("chat.postEphemeral", "You submitted this evidence, so another compliance lead must accept it: Bea Backup."), (accepted.Method, (string?)accepted.Body["text"]));
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Submitted, (Guid?)null), (task.Status, task.DecidedById));
        var refusals = (await TrailAsync()).Where(e => e.Action == "task.refused").ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, e => Assert.Equal((Lead.Email, Platform.Slack), (e.Actor, e.Platform)));
        Assert.Equal("task.accepted refused: You submitted this evidence, so another compliance lead must accept it: Bea Backup.", refusals[1].Reason);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_lead_cannot_approve_the_extension_they_asked_for()
    {
        await DmAsync(Lead, $"assign AC-01 Q4 access review to <mailto:{Lead.Email}|{Lead.Email}> due {_due:yyyy-MM-dd}");
        var ownerCard = Assert.Single(await WaitForAsync(() => [.. Calls("chat.postMessage", Lead.Channel).Where(c => Buttons(c, "Submit evidence").Count == 1)], 1));
        var form = (await ClickAsync(Lead, Button(ownerCard, "Request extension"))).Body;
        var later = _due.AddDays(7);
        await ClickAsync(Lead, Button(form, "Send"), State((CardDataKeys.DueDate, later.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), (CardDataKeys.Reason, "Busy")));
        var leadCard = Assert.Single(await WaitForAsync(() => [.. Calls("chat.postMessage", Lead.Channel).Where(c => Buttons(c, "Approve extension").Count == 1)], 1));

        var approved = await ClickAsync(Lead, Button(leadCard, "Approve extension"));

        // Nobody else leads yet: the refusal says so, and how to fix it.
        Assert.Equal(("chat.postEphemeral", "You asked for this extension, so another compliance lead must decide it: there is no other compliance lead yet " +
            "(an admin can give someone the ComplianceLead role)."), (approved.Method, (string?)approved.Body["text"]));
        var task = await TaskAsync();
        Assert.Equal((_due, (DateOnly?)later), (task.DueDate, task.RequestedDueDate));
        Assert.Equal(("task.refused", Platform.Slack), ((await TrailAsync())[^1].Action, (await TrailAsync())[^1].Platform));
    }

    [Fact]
    public async Task A_lead_cannot_approve_the_reassignment_they_asked_for_and_nothing_changes()
    {
        _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TaskOptions>>().Value.ReassignRequiresApproval = true;
        await DmAsync(Lead, $"assign AC-01 Q4 access review to <mailto:{Lead.Email}|{Lead.Email}> due {_due:yyyy-MM-dd}");
        var ownerCard = Assert.Single(await WaitForAsync(() => [.. Calls("chat.postMessage", Lead.Channel).Where(c => Buttons(c, "Submit evidence").Count == 1)], 1));
        var form = (await ClickAsync(Lead, Button(ownerCard, "Reassign"))).Body;
        await ClickAsync(Lead, Button(form, "Send"), State((CardDataKeys.Email, Owner.Email), (CardDataKeys.Reason, "Olivia runs it now")));
        var leadCard = Assert.Single(await WaitForAsync(() => [.. Calls("chat.postMessage", Lead.Channel).Where(c => Buttons(c, "Approve reassignment").Count == 1)], 1));
        var before = await TaskAsync();

        var approved = await ClickAsync(Lead, Button(leadCard, "Approve reassignment"));

        Assert.Equal(("chat.postEphemeral", "You asked for this reassignment, so another compliance lead must decide it: there is no other compliance lead yet " +
            "(an admin can give someone the ComplianceLead role)."), (approved.Method, (string?)approved.Body["text"]));
        var task = await TaskAsync();
        Assert.Equal((before.OwnerId, before.ProposedOwnerId, before.Version), (task.OwnerId, task.ProposedOwnerId, task.Version));
        Assert.NotNull(task.ProposedOwnerId);
        var entry = (await TrailAsync())[^1];
        Assert.Equal(("task.refused", Lead.Email, Platform.Slack), (entry.Action, entry.Actor, entry.Platform));
        await AssertChainIntactAsync();
    }

    private async Task<JsonObject> AssignToOwnerAsync()
    {
        var reply = await DmAsync(Lead, $"assign AC-01 Q4 access review to <mailto:{Owner.Email}|{Owner.Email}> due {_due:yyyy-MM-dd}");
        Assert.StartsWith("Assigned *Q4 access review* (AC-01) to Olivia Owner", (string?)reply["text"], StringComparison.Ordinal);
        return Assert.Single(Calls("chat.postMessage", Owner.Channel), c => Buttons(c, "Submit evidence").Count == 1);
    }

    private async Task<Guid> CreateTaskAsync(string title, DateOnly due, string? delegateEmail = null)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var lead = await db.People.SingleAsync(p => p.Email == Lead.Email);
        var outcome = await scope.ServiceProvider.GetRequiredService<EvidenceTaskService>()
            .CreateAsync(new NewTask("AC-01", Owner.Email, due, title, DelegateEmail: delegateEmail), new TaskActor(lead, Platform.Slack));
        Assert.True(outcome.Succeeded, outcome.Message.Text);
        await OutboxWait.DrainedAsync(_app.Services); // the owner's card, queued with the task, is in their channel before the test goes on
        return outcome.Task!.Id;
    }

    /// <summary>A direct message from the user; returns the bot's answer, posted into the same channel.</summary>
    private async Task<JsonObject> DmAsync(SlackUser user, string text)
    {
        var before = Calls("chat.postMessage", user.Channel).Count;
        var envelope = new JsonObject
        {
            ["type"] = "event_callback",
            ["team_id"] = "T1",
            ["event_id"] = $"Ev{Interlocked.Increment(ref _events)}",
            ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["channel"] = user.Channel, ["user"] = user.Id, ["text"] = text, ["ts"] = "1.2" },
        };
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/slack/events", envelope.ToJsonString())).StatusCode);
        return (await WaitForAsync(() => Calls("chat.postMessage", user.Channel), before + 1))[before];
    }

    private async Task<JsonNode> SlashAsync(SlackUser user, string text)
    {
        var response = await PostAsync("/slack/commands", $"command=%2Fcompliance&text={Uri.EscapeDataString(text)}&user_id={user.Id}&channel_id={user.Channel}&team_id=T1", form: true);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Clicks a button of a message in the user's channel; returns the bot's answer there (the message updated, or an ephemeral note).</summary>
    private async Task<(string Method, JsonObject Body)> ClickAsync(SlackUser user, JsonObject button, JsonObject? state = null)
    {
        int Answers() => Calls("chat.update", user.Channel).Count + Calls("chat.postEphemeral", user.Channel).Count;
        var before = Answers();
        await PostActionAsync(user, button, state);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Answers() == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var answer = _slack.LogEntries
            .Where(e => e.RequestMessage.Path is "/api/chat.update" or "/api/chat.postEphemeral" && (string?)Body(e)["channel"] == user.Channel)
            .LastOrDefault() ?? throw new Xunit.Sdk.XunitException($"no answer in {user.Channel}");
        Assert.Equal(before + 1, Answers());
        return (answer.RequestMessage.Path["/api/".Length..], Body(answer));
    }

    private async Task PostActionAsync(SlackUser user, JsonObject button, JsonObject? state, string? ephemeralResponseUrl = null)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["user"] = new JsonObject { ["id"] = user.Id, ["name"] = user.Email.Split('@')[0] },
            ["team"] = new JsonObject { ["id"] = "T1" },
            ["channel"] = new JsonObject { ["id"] = user.Channel },
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = Ts, ["channel_id"] = user.Channel },
            ["message"] = new JsonObject { ["ts"] = Ts },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button",
                ["action_id"] = (string?)button["action_id"],
                ["block_id"] = "b1",
                ["value"] = (string?)button["value"],
                ["action_ts"] = "1700000001.000000",
            }),
        };
        if (state is not null)
        {
            payload["state"] = new JsonObject { ["values"] = state.DeepClone() };
        }

        if (ephemeralResponseUrl is not null)
        {
            // A slash command's answer is ephemeral: no message ts to update, only a response_url.
            payload["container"] = new JsonObject { ["type"] = "message", ["is_ephemeral"] = true, ["channel_id"] = user.Channel };
            payload.Remove("message");
            payload["response_url"] = ephemeralResponseUrl;
        }

        var response = await PostAsync("/slack/interactivity", "payload=" + Uri.EscapeDataString(payload.ToJsonString()), form: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary><c>state.values</c> as Slack sends them: block id → action id → the element's value (dates from a datepicker).</summary>
    private static JsonObject State(params (string Id, string Value)[] inputs)
    {
        var values = new JsonObject();
        foreach (var (id, value) in inputs)
        {
            var isDate = id is CardDataKeys.EffectiveFrom or CardDataKeys.EffectiveTo or CardDataKeys.DueDate;
            values[id] = new JsonObject
            {
                [id] = isDate
                    ? new JsonObject { ["type"] = "datepicker", ["selected_date"] = value }
                    : new JsonObject { ["type"] = "plain_text_input", ["value"] = value },
            };
        }

        return values;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, bool form = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, form ? "application/x-www-form-urlencoded" : "application/json"),
        };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(body)));
        return await _client.SendAsync(request);
    }

    /// <summary>The bodies of the Web API calls of one method into one channel, oldest first.</summary>
    private List<JsonObject> Calls(string method, string channel) =>
        [.. _slack.LogEntries.Where(e => e.RequestMessage.Path == $"/api/{method}").Select(Body).Where(b => (string?)b["channel"] == channel)];

    private static async Task<List<JsonObject>> WaitForAsync(Func<List<JsonObject>> calls, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (calls().Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var found = calls();
        Assert.True(found.Count >= count, $"expected {count} calls, saw {found.Count}");
        return found;
    }

    private async Task<EvidenceTask> TaskAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().EvidenceTasks.AsNoTracking().SingleAsync();
    }

    private async Task<List<AuditTrailEntry>> TrailAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().AuditTrail.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync();
    }

    private async Task AssertChainIntactAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var report = await AuditChainVerifier.VerifyAsync(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>(), scope.ServiceProvider.GetRequiredService<AuditKeyRing>());
        Assert.True(report.Intact, report.Summary);
    }

    private static JsonObject Body(ILogEntry entry) => JsonNode.Parse(entry.RequestMessage.Body!)!.AsObject();

    /// <summary>The buttons with this label in a message's (or view's) blocks.</summary>
    private static List<JsonObject> Buttons(JsonNode message, string title) =>
    [
        .. (message["blocks"] ?? message).AsArray().OfType<JsonObject>()
            .Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => b["elements"]!.AsArray().OfType<JsonObject>())
            .Where(e => (string?)e["type"] == "button" && (string?)e["text"]?["text"] == title),
    ];

    private static JsonObject Button(JsonNode message, string title) => Buttons(message, title) switch
    {
        [var only] => only,
        var found => throw new Xunit.Sdk.XunitException($"expected one \"{title}\" button, found {found.Count} in {message.ToJsonString()}"),
    };

    /// <summary>Every string in the blocks, one a line: what the reader sees.</summary>
    private static string Words(JsonNode node) => node switch
    {
        JsonObject o => string.Join('\n', o.Where(p => p.Key is not ("action_id" or "value" or "block_id")).Select(p => p.Value).OfType<JsonNode>().Select(Words)),
        JsonArray a => string.Join('\n', a.OfType<JsonNode>().Select(Words)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => "",
    };

    private static Person Person(SlackUser user, string name, PersonRoles roles) => new()
    {
        Email = user.Email,
        DisplayName = name,
        Roles = roles,
        SlackUserId = user.Id,
        SlackTeamId = "T1",
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private sealed record SlackUser(string Email, string Id, string Channel);
}
