using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Tasks;

/// <summary>
/// Evidence tasks in Teams, over HTTP: commands as messages, buttons as <c>adaptiveCard/action</c> invokes built from
/// the cards the bot really posted, WireMock as the connector. Each person has talked to the bot in their own chat.
/// The fake connector gives every posted activity the id <c>sent-1</c>: an activity id is unique only within its
/// conversation, so the owner's copy and the lead's copy of a card may share one.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TeamsTaskTests : IAsyncLifetime
{
    private const string CardType = "application/vnd.microsoft.card.adaptive";
    private const string MessageType = "application/vnd.microsoft.activity.message";
    private const string Evidence = "https://evidence.example.com/ac-01/q4-review.pdf";

    private static readonly TeamsUser Owner = new("olivia@example.com", "29:owner", "aad-owner", "a:owner-conv");
    private static readonly TeamsUser Lead = new("lee@example.com", "29:lead", "aad-lead", "a:lead-conv");
    private static readonly TeamsUser Other = new("oscar@example.com", "29:other", "aad-other", "a:other-conv");
    private static readonly TeamsUser Stranger = new("nobody@example.com", "29:stranger", "aad-stranger", "a:stranger-conv");

    private readonly BotFrameworkFakes _fakes = new();
    private readonly string _data = Directory.CreateTempSubdirectory("cc-teams-tasks-").FullName;
    private readonly DateOnly _due = new(DateTime.UtcNow.Year + 1, 1, 15);
    private ComplianceApp _app = null!;
    private HttpClient _client = null!;
    private int _activities;

    public async Task InitializeAsync()
    {
        var settings = _fakes.Settings();
        settings["Storage:DataDirectory"] = _data;
        _app = new ComplianceApp(settings);
        _client = _app.CreateClient();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.AddRange(
                Person(Owner, "Olivia Owner", PersonRoles.Employee | PersonRoles.ControlOwner),
                Person(Lead, "Lee Lead", PersonRoles.Employee | PersonRoles.ComplianceLead),
                Person(Other, "Oscar Other", PersonRoles.Employee));
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
        }

        // Everyone has opened their chat with the bot before, so each has a personal conversation.
        foreach (var user in new[] { Owner, Lead, Other })
        {
            await SayAsync(user, "help");
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
    public async Task My_tasks_pages_through_every_open_task_by_button_and_by_typing_the_page()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        for (var i = 1; i <= TaskCards.ListLimit + 2; i++)
        {
            await CreateTaskAsync($"Paged task {i:00}", today.AddDays(i));
        }

        var first = CardOf(await SayAsync(Owner, "my tasks"));
        const string message = "my-tasks-reply";
        var firstWords = Words(first);
        Assert.Contains($"Tasks 1–{TaskCards.ListLimit} of {TaskCards.ListLimit + 2}", firstWords, StringComparison.Ordinal);
        Assert.DoesNotContain("Paged task 16", firstWords, StringComparison.Ordinal);
        Assert.Empty(Buttons(first, "Previous page"));

        var second = (await ClickAsync(Owner, Button(first, "Next page"), message))["value"]!;
        var typed = CardOf(await SayAsync(Owner, "my tasks 2"));

        foreach (var page in new[] { second, typed })
        {
            var words = Words(page);
            Assert.Contains("Paged task 16", words, StringComparison.Ordinal);
            Assert.Contains("Paged task 17", words, StringComparison.Ordinal);
            Assert.DoesNotContain("Paged task 15", words, StringComparison.Ordinal);
            Assert.Contains("page 2 of 2", words, StringComparison.Ordinal);
            Assert.Single(Buttons(page, "Previous page"));
            Assert.Empty(Buttons(page, "Next page"));
        }

        Assert.Equal("You have 17 open evidence task(s): 2 page(s) of them. Type **my tasks** for the first.", TextOf(await SayAsync(Owner, "my tasks 9")));
        Assert.StartsWith("Pages start at 1", TextOf(await SayAsync(Owner, "my tasks 0")));
        var forged = Button(first, "Next page");
        forged["data"]![CardDataKeys.Page] = "-1";
        var refused = await ClickAsync(Owner, forged, message);
        Assert.Equal((MessageType, "That button doesn't name a page. Type my tasks for your tasks."), ((string?)refused["type"], (string?)refused["value"]));
    }

    [Fact]
    public async Task My_tasks_lists_open_tasks_soonest_due_first_with_their_buttons()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var firewall = await CreateTaskAsync("Firewall rule review", today.AddDays(30));
        var access = await CreateTaskAsync("Q4 access review", today.AddDays(5));
        await CreateTaskAsync("Awareness training", today.AddDays(60));
        var done = await CreateTaskAsync("Q3 access review", today.AddDays(1));
        await CreateTaskAsync("Oscar's backup test", today.AddDays(2), Other.Email);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            await db.EvidenceTasks.Where(t => t.Id == done).ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, EvidenceTaskStatus.Accepted));
        }

        var card = CardOf(await SayAsync(Owner, "my tasks"));

        var json = Words(card);
        Assert.Contains("Your open evidence tasks (3)", json, StringComparison.Ordinal);
        Assert.True(json.IndexOf("Q4 access review", StringComparison.Ordinal) < json.IndexOf("Firewall rule review", StringComparison.Ordinal), json);
        Assert.True(json.IndexOf("Firewall rule review", StringComparison.Ordinal) < json.IndexOf("Awareness training", StringComparison.Ordinal), json);
        Assert.DoesNotContain("Q3 access review", json, StringComparison.Ordinal);
        Assert.DoesNotContain("backup test", json, StringComparison.Ordinal);
        Assert.Contains("(in 5 days)", json, StringComparison.Ordinal);
        var submit = Buttons(card, "Submit evidence");
        Assert.Equal(3, submit.Count);
        Assert.Equal((CardVerbs.TaskForm, access.ToString(), "1", TaskForms.Submit),
            ((string?)submit[0]["verb"], (string?)submit[0]["data"]!["task"], (string?)submit[0]["data"]!["version"], (string?)submit[0]["data"]!["form"]));
        Assert.Equal((CardVerbs.TaskForm, firewall.ToString(), TaskForms.Extend),
            ((string?)Buttons(card, "Request extension")[1]["verb"], (string?)Buttons(card, "Request extension")[1]["data"]!["task"], (string?)Buttons(card, "Request extension")[1]["data"]!["form"]));
        Assert.Equal(CardVerbs.TaskShow, (string?)Buttons(card, "Open")[0]["verb"]);

        Assert.Equal("You have no open evidence tasks.", TextOf(await SayAsync(Lead, "my tasks")));
        Assert.Equal("You have no evidence tasks assigned to you.", TextOf(await SayAsync(Stranger, "my tasks")));
    }

    [Fact]
    public async Task An_owner_submits_evidence_from_the_card_and_a_lead_accepting_it_updates_the_owners_copy()
    {
        var (ownerCard, ownerMessage) = await AssignToOwnerAsync();

        var form = await ClickAsync(Owner, Button(ownerCard, "Submit evidence"), ownerMessage);

        Assert.Equal(CardType, (string?)form["type"]);
        var formCard = form["value"]!.AsObject();
        Assert.Contains(Elements(formCard), e => (string?)e["type"] == "Input.Text" && (string?)e["id"] == CardDataKeys.EvidenceUrl);
        var sent = await ClickAsync(Owner, Button(formCard, "Send"), ownerMessage, new JsonObject
        {
            [CardDataKeys.EvidenceUrl] = Evidence,
            [CardDataKeys.Note] = "Signed by the CISO",
            [CardDataKeys.EffectiveFrom] = $"{_due.Year - 1}-10-01",
        });

        Assert.Equal(CardType, (string?)sent["type"]);
        var submittedCard = Words(sent["value"]!);
        Assert.Contains("Thanks: your evidence is with the compliance team.", submittedCard, StringComparison.Ordinal);
        Assert.Contains("Submitted, waiting for the compliance team", submittedCard, StringComparison.Ordinal);
        Assert.Empty(Buttons(sent["value"]!, "Submit evidence"));
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Submitted, Evidence, "Signed by the CISO", new DateOnly(_due.Year - 1, 10, 1)),
            (task.Status, task.EvidenceUrl, task.EvidenceNote, task.EvidenceEffectiveFrom));

        // The lead gets a card to decide on, with the evidence link.
        var (leadCard, leadMessage) = Assert.Single(await PostedAsync(Lead));
        Assert.Contains(Evidence, Words(leadCard), StringComparison.Ordinal);
        Assert.Contains("Owner's note: Signed by the CISO", Words(leadCard), StringComparison.Ordinal);
        var accepted = await ClickAsync(Lead, Button(leadCard, "Accept"), leadMessage, new JsonObject { [CardDataKeys.Reason] = "Complete" });

        Assert.Contains("Evidence accepted.", Words(accepted["value"]!), StringComparison.Ordinal);
        Assert.Empty(Buttons(accepted["value"]!, "Accept"));
        var ownersCopy = Assert.Single(await UpdatesAsync(Owner));
        Assert.Equal($"/connector/v3/conversations/{Owner.Conversation}/activities/{ownerMessage}", ownersCopy.Path);
        Assert.Equal("Accepted", Fact(ownersCopy.Card, "Status"));
        Assert.Empty(Buttons(ownersCopy.Card, "Submit evidence"));
        task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Accepted, "Complete"), (task.Status, task.DecisionReason));
        Assert.Equal(["task.created", "task.submitted", "task.accepted"], (await TrailAsync()).Select(e => e.Action));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_button_without_its_version_changes_nothing()
    {
        var (ownerCard, ownerMessage) = await AssignToOwnerAsync();
        var form = (await ClickAsync(Owner, Button(ownerCard, "Submit evidence"), ownerMessage))["value"]!;
        var send = Button(form, "Send");
        send["data"]!.AsObject().Remove(CardDataKeys.Version);

        var refused = await ClickAsync(Owner, send, ownerMessage, new JsonObject { [CardDataKeys.EvidenceUrl] = Evidence });

        Assert.Contains("missing its version", (string?)refused["value"], StringComparison.Ordinal);
        Assert.Equal(EvidenceTaskStatus.Open, (await TaskAsync()).Status);
        Assert.Equal(["task.created"], (await TrailAsync()).Select(e => e.Action));
    }

    [Fact]
    public async Task A_lead_returning_evidence_puts_the_reason_on_the_owners_cards()
    {
        var (ownerCard, ownerMessage) = await AssignToOwnerAsync();
        var form = (await ClickAsync(Owner, Button(ownerCard, "Submit evidence"), ownerMessage))["value"]!;
        await ClickAsync(Owner, Button(form, "Send"), ownerMessage, new JsonObject { [CardDataKeys.EvidenceUrl] = Evidence });
        var (leadCard, leadMessage) = Assert.Single(await PostedAsync(Lead));

        var withoutReason = await ClickAsync(Lead, Button(leadCard, "Return to owner"), leadMessage);
        Assert.Equal((MessageType, "Please give the owner a reason for returning the evidence."), ((string?)withoutReason["type"], (string?)withoutReason["value"]));
        Assert.Equal(EvidenceTaskStatus.Submitted, (await TaskAsync()).Status);

        await ClickAsync(Lead, Button(leadCard, "Return to owner"), leadMessage, new JsonObject { [CardDataKeys.Reason] = "This is the Q3 export" });

        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Open, "This is the Q3 export"), (task.Status, task.DecisionReason));
        var updated = Assert.Single(await UpdatesAsync(Owner)).Card;
        Assert.Contains("Returned by the compliance team: This is the Q3 export", Words(updated), StringComparison.Ordinal);
        Assert.NotEmpty(Buttons(updated, "Submit evidence"));
        var (fresh, _) = (await PostedAsync(Owner))[^1];
        Assert.Contains("Returned by the compliance team: This is the Q3 export", Words(fresh), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extension_requested_from_the_form_is_approved_from_the_leads_card()
    {
        var (ownerCard, ownerMessage) = await AssignToOwnerAsync();
        var form = (await ClickAsync(Owner, Button(ownerCard, "Request extension"), ownerMessage))["value"]!;
        var later = _due.AddDays(14);

        var asked = await ClickAsync(Owner, Button(form, "Send"), ownerMessage, new JsonObject
        {
            [CardDataKeys.DueDate] = later.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            [CardDataKeys.Reason] = "The auditor's access arrives late",
        });

        Assert.Contains($"Asked the compliance team to move the due date to {later:yyyy-MM-dd}.", Words(asked["value"]!), StringComparison.Ordinal);
        var (leadCard, leadMessage) = Assert.Single(await PostedAsync(Lead));
        Assert.Contains("The auditor's access arrives late", Words(leadCard), StringComparison.Ordinal);
        await ClickAsync(Lead, Button(leadCard, "Approve extension"), leadMessage);

        var task = await TaskAsync();
        Assert.Equal((later, (DateOnly?)null), (task.DueDate, task.RequestedDueDate));
        Assert.Contains($"{later:yyyy-MM-dd}", Words(Assert.Single(await UpdatesAsync(Owner)).Card), StringComparison.Ordinal);
        Assert.Equal("task.extension_approved", (await TrailAsync())[^1].Action);
    }

    [Fact]
    public async Task Someone_else_clicking_the_owners_buttons_is_refused_politely_and_the_attempt_is_audited()
    {
        var (ownerCard, ownerMessage) = await AssignToOwnerAsync();
        var form = (await ClickAsync(Owner, Button(ownerCard, "Submit evidence"), ownerMessage))["value"]!;
        var send = Button(form, "Send");
        var link = new JsonObject { [CardDataKeys.EvidenceUrl] = "https://attacker.example/fake.pdf" };

        var other = await ClickAsync(Other, send, ownerMessage, link);
        var stranger = await ClickAsync(Stranger, send, ownerMessage, link);
        var lead = await ClickAsync(Lead, send, ownerMessage, link);
        var peek = await ClickAsync(Other, Button(ownerCard, "Submit evidence"), ownerMessage);

        Assert.Equal((MessageType, "Only the task's owner or their delegate can do that."), ((string?)other["type"], (string?)other["value"]));
        Assert.Equal("I don't know you yet, so I can't let you act on evidence tasks. Please ask your compliance team to add you.", (string?)stranger["value"]);
        Assert.Equal("Only the task's owner or their delegate can do that.", (string?)lead["value"]);
        Assert.Equal("That evidence task isn't yours, so I can't show it to you.", (string?)peek["value"]);
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Open, 1, (string?)null), (task.Status, task.Version, task.EvidenceUrl));
        var refusals = (await TrailAsync()).Where(e => e.Action == "task.refused").ToList();
        Assert.Equal([Other.Email, "unknown teams user 29:stranger", Lead.Email], refusals.Select(e => e.Actor));
        Assert.All(refusals, e => Assert.Equal(Platform.Teams, e.Platform));
        Assert.Empty(await PostedAsync(Lead));
        Assert.Empty(await UpdatesAsync(Owner));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_double_click_on_send_submits_once()
    {
        var (ownerCard, ownerMessage) = await AssignToOwnerAsync();
        var form = (await ClickAsync(Owner, Button(ownerCard, "Submit evidence"), ownerMessage))["value"]!;
        var send = Button(form, "Send");
        var link = new JsonObject { [CardDataKeys.EvidenceUrl] = Evidence };

        var first = await ClickAsync(Owner, send, ownerMessage, link);
        var second = await ClickAsync(Owner, send, ownerMessage, link);

        Assert.Contains("Thanks: your evidence is with the compliance team.", Words(first["value"]!), StringComparison.Ordinal);
        Assert.Equal(CardType, (string?)second["type"]);
        Assert.Contains("This task changed since that card was shown", Words(second["value"]!), StringComparison.Ordinal);
        Assert.Equal(2, (await TaskAsync()).Version);
        Assert.Single(await TrailAsync(), e => e.Action == "task.submitted");
        Assert.Single(await PostedAsync(Lead));
    }

    [Fact]
    public async Task A_lead_assigns_a_task_by_its_soc2_reference_and_anyone_else_is_refused()
    {
        var reply = TextOf(await SayAsync(Lead, $"assign CC6.2 quarterly access review to alice@example.com due {_due:yyyy-MM-dd}"));

        Assert.Equal($"Assigned **quarterly access review** (AC-01) to alice, due {_due:yyyy-MM-dd}. " +
            "They haven't talked to me yet, so they'll see it when they do (**my tasks**).", reply);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            var alice = await db.People.SingleAsync(p => p.Email == "alice@example.com");
            Assert.True(alice.Has(PersonRoles.ControlOwner));
            var task = await db.EvidenceTasks.Include(t => t.Control).SingleAsync(t => t.OwnerId == alice.Id);
            Assert.Equal(("AC-01", "quarterly access review", alice.Id, _due, Lead.Email), (task.Control!.Code, task.Title, task.OwnerId, task.DueDate, task.CreatedBy));
        }

        // Teams may send a typed address as a mailto link.
        var linked = TextOf(await SayAsync(Lead, $"assign AC-01 access review to <a href=\"mailto:carol@example.com\">carol@example.com</a> due {_due:yyyy-MM-dd}"));
        Assert.StartsWith("Assigned **access review** (AC-01) to carol, due", linked, StringComparison.Ordinal);

        var refused = TextOf(await SayAsync(Other, $"assign CC6.2 quarterly access review to bob@example.com due {_due:yyyy-MM-dd}"));

        Assert.Equal("Only a compliance lead can assign evidence tasks.", refused);
        Assert.Equal("Please give the due date as yyyy-mm-dd, for example 2027-01-15.", TextOf(await SayAsync(Lead, "assign CC6.2 review to bob@example.com due 15/01/2027")));
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        Assert.Equal($"The due date {yesterday:yyyy-MM-dd} is in the past, so the task would be overdue from the start. To create it overdue anyway, send the same command with **overdue** at the end.", TextOf(await SayAsync(Lead, $"assign CC6.2 review to bob@example.com due {yesterday:yyyy-MM-dd}")));
        Assert.Equal("No control in the register is CC9.9 or maps to it. Import the control register, or use a control id.",
            TextOf(await SayAsync(Lead, $"assign CC9.9 review to bob@example.com due {_due:yyyy-MM-dd}")));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            Assert.False(await db.People.AnyAsync(p => p.Email == "bob@example.com"));
            var entries = await db.AuditTrail.OrderBy(e => e.Sequence).ToListAsync();
            Assert.Equal(["task.created", "task.created", "task.create_refused"], entries.Select(e => e.Action));
            Assert.Equal((Other.Email, Platform.Teams), (entries[2].Actor, entries[2].Platform));
        }
    }

    [Fact]
    public async Task A_lead_runs_the_digest_chase_and_an_announcement_now_and_anyone_else_is_refused()
    {
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.Audits.Add(new Core.Domain.Audit { Name = "ISO surveillance", Framework = Framework.Iso27001, Kind = AuditKind.Iso27001Surveillance,
                StartsOn = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20), CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var digest = TextOf(await SayAsync(Lead, "digest now"));
        var chase = TextOf(await SayAsync(Lead, "Chase now"));
        var announce = TextOf(await SayAsync(Lead, "announce iso surveillance now"));
        var unknown = TextOf(await SayAsync(Lead, "announce the christmas party now"));
        var refused = TextOf(await SayAsync(Other, "digest now"));

        Assert.StartsWith("Digest", digest, StringComparison.Ordinal);
        Assert.StartsWith("Chase", chase, StringComparison.Ordinal);
        Assert.StartsWith("ISO surveillance", announce, StringComparison.Ordinal);
        Assert.Equal("No audit on the calendar is called 'the christmas party'. Type **audits** to see the calendar.", unknown);
        Assert.Equal("Only a compliance lead can run jobs now.", refused);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            var runs = await db.AuditTrail.Where(e => e.SubjectType == "Job").OrderBy(e => e.Sequence).ToListAsync();
            Assert.Equal([("job.run", "digest", Lead.Email), ("job.run", "chase", Lead.Email), ("job.run", "announce", Lead.Email), ("job.run_refused", "digest", Other.Email)],
                runs.Select(e => (e.Action, e.SubjectId, e.Actor)));
        }
    }

    [Fact]
    public async Task A_lead_confirms_an_overdue_task_and_moves_its_due_date_in_chat_and_the_owner_is_told()
    {
        var lastMonth = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-30);
        var created = TextOf(await SayAsync(Lead, $"assign AC-01 last quarter's review to {Owner.Email} due {lastMonth:yyyy-MM-dd} overdue"));
        Assert.StartsWith("Assigned **last quarter's review** (AC-01)", created, StringComparison.Ordinal);
        var before = (await PostedAsync(Owner)).Count;

        var byOwner = TextOf(await SayAsync(Owner, $"due AC-01 {_due:yyyy-MM-dd}"));
        var badDate = TextOf(await SayAsync(Lead, "due AC-01 31/01/2027"));
        var moved = TextOf(await SayAsync(Lead, $"due AC-01 {_due:yyyy-MM-dd} because onboarding grace"));

        Assert.Equal("Only a compliance lead can change a task's due date.", byOwner);
        Assert.StartsWith("Please give dates as yyyy-mm-dd.", badDate, StringComparison.Ordinal);
        Assert.Equal($"Due date changed from {lastMonth:yyyy-MM-dd} to {_due:yyyy-MM-dd}; the owner is told.", moved);
        Assert.True((await PostedAsync(Owner)).Count > before, "the owner gets the card with the new due date");
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var task = await db.EvidenceTasks.SingleAsync();
        Assert.Equal(_due, task.DueDate);
        var change = await db.AuditTrail.SingleAsync(e => e.Action == "task.due_date_changed");
        Assert.Equal((Lead.Email, "onboarding grace"), (change.Actor, change.Reason));
    }

    [Fact]
    public async Task A_lead_who_owns_a_task_cannot_mark_it_done_nor_accept_the_evidence_they_submitted_and_each_refusal_is_audited()
    {
        await AddBackupLeadAsync();
        Assert.StartsWith("Assigned", TextOf(await SayAsync(Lead, $"assign AC-01 Q4 access review to {Lead.Email} due {_due:yyyy-MM-dd}")), StringComparison.Ordinal);
        var (ownerCard, ownerMessage) = Assert.Single(await PostedAsync(Lead));

        var doneForm = (await ClickAsync(Lead, Button(ownerCard, "Mark done"), ownerMessage))["value"]!;
        var done = await ClickAsync(Lead, Button(doneForm, "Send"), ownerMessage, new JsonObject { [CardDataKeys.Note] = "Done, trust me" });

        Assert.Equal((MessageType, "You own this task and are a compliance lead, so you can't mark it done yourself: submit the evidence as a link, " +
            "and another compliance lead must accept it: Bea Backup."), ((string?)done["type"], (string?)done["value"]));
        Assert.Equal((EvidenceTaskStatus.Open, 1), ((await TaskAsync()).Status, (await TaskAsync()).Version));

        var form = (await ClickAsync(Lead, Button(ownerCard, "Submit evidence"), ownerMessage))["value"]!;
        await ClickAsync(Lead, Button(form, "Send"), ownerMessage, new JsonObject { [CardDataKeys.EvidenceUrl] = Evidence });
        var (leadCard, leadMessage) = Assert.Single(await PostedAsync(Lead), c => Buttons(c.Card, "Accept").Count == 1);
        var accepted = await ClickAsync(Lead, Button(leadCard, "Accept"), leadMessage);

        Assert.Equal((MessageType, "You submitted this evidence, so another compliance lead must accept it: Bea Backup."), ((string?)accepted["type"], (string?)accepted["value"]));
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Submitted, (Guid?)null, (List<string>?)null), (task.Status, task.DecidedById, task.AcceptedSoc2Refs));
        var refusals = (await TrailAsync()).Where(e => e.Action == "task.refused").ToList();
        Assert.Equal(2, refusals.Count);
        Assert.StartsWith("task.marked_done refused: You own this task and are a compliance lead", refusals[0].Reason, StringComparison.Ordinal);
        Assert.Equal("task.accepted refused: You submitted this evidence, so another compliance lead must accept it: Bea Backup.", refusals[1].Reason);
        Assert.All(refusals, e => Assert.Equal((Lead.Email, Platform.Teams), (e.Actor, e.Platform)));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_lead_cannot_approve_the_extension_they_asked_for_on_their_own_task()
    {
        await AddBackupLeadAsync();
        Assert.StartsWith("Assigned", TextOf(await SayAsync(Lead, $"assign AC-01 Q4 access review to {Lead.Email} due {_due:yyyy-MM-dd}")), StringComparison.Ordinal);
        var (ownerCard, ownerMessage) = Assert.Single(await PostedAsync(Lead));
        var form = (await ClickAsync(Lead, Button(ownerCard, "Request extension"), ownerMessage))["value"]!;
        var later = _due.AddDays(14);
        await ClickAsync(Lead, Button(form, "Send"), ownerMessage, new JsonObject
        {
            [CardDataKeys.DueDate] = later.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            [CardDataKeys.Reason] = "Busy",
        });
        var (leadCard, leadMessage) = Assert.Single(await PostedAsync(Lead), c => Buttons(c.Card, "Approve extension").Count == 1);

        var approved = await ClickAsync(Lead, Button(leadCard, "Approve extension"), leadMessage);

        Assert.Equal((MessageType, "You asked for this extension, so another compliance lead must decide it: Bea Backup."), ((string?)approved["type"], (string?)approved["value"]));
        var task = await TaskAsync();
        Assert.Equal((_due, (DateOnly?)later), (task.DueDate, task.RequestedDueDate));
        var entry = (await TrailAsync())[^1];
        Assert.Equal(("task.refused", Lead.Email, "task.extension_approved refused: You asked for this extension, so another compliance lead must decide it: Bea Backup."),
            (entry.Action, entry.Actor, entry.Reason));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_lead_cannot_approve_the_reassignment_they_asked_for_and_nothing_changes()
    {
        _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TaskOptions>>().Value.ReassignRequiresApproval = true;
        await AddBackupLeadAsync();
        Assert.StartsWith("Assigned", TextOf(await SayAsync(Lead, $"assign AC-01 Q4 access review to {Lead.Email} due {_due:yyyy-MM-dd}")), StringComparison.Ordinal);
        var (ownerCard, ownerMessage) = Assert.Single(await PostedAsync(Lead));
        var form = (await ClickAsync(Lead, Button(ownerCard, "Reassign"), ownerMessage))["value"]!;
        await ClickAsync(Lead, Button(form, "Send"), ownerMessage, new JsonObject { [CardDataKeys.Email] = Owner.Email, [CardDataKeys.Reason] = "Olivia runs it now" });
        var (leadCard, leadMessage) = Assert.Single(await PostedAsync(Lead), c => Buttons(c.Card, "Approve reassignment").Count == 1);
        var before = await TaskAsync();

        var approved = await ClickAsync(Lead, Button(leadCard, "Approve reassignment"), leadMessage);

        Assert.Equal((MessageType, "You asked for this reassignment, so another compliance lead must decide it: Bea Backup."), ((string?)approved["type"], (string?)approved["value"]));
        var task = await TaskAsync();
        Assert.Equal((before.OwnerId, before.ProposedOwnerId, before.Version), (task.OwnerId, task.ProposedOwnerId, task.Version));
        var entry = (await TrailAsync())[^1];
        Assert.Equal(("task.refused", Lead.Email, Platform.Teams, "task.reassignment_approved refused: You asked for this reassignment, so another compliance lead must decide it: Bea Backup."),
            (entry.Action, entry.Actor, entry.Platform, entry.Reason));
        await AssertChainIntactAsync();
    }

    /// <summary>A second compliance lead, who has not talked to the bot: the one a refusal names.</summary>
    private async Task AddBackupLeadAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        db.People.Add(new Person { Email = "bea@example.com", DisplayName = "Bea Backup", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    /// <summary>The lead assigns AC-01 to the owner; returns the card posted into the owner's chat and its activity id.</summary>
    private async Task<(JsonObject Card, string MessageId)> AssignToOwnerAsync()
    {
        var reply = TextOf(await SayAsync(Lead, $"assign AC-01 Q4 access review to {Owner.Email} due {_due:yyyy-MM-dd}"));
        Assert.StartsWith("Assigned **Q4 access review** (AC-01) to Olivia Owner", reply, StringComparison.Ordinal);
        return Assert.Single(await PostedAsync(Owner));
    }

    private async Task<Guid> CreateTaskAsync(string title, DateOnly due, string? owner = null)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var lead = await db.People.SingleAsync(p => p.Email == Lead.Email);
        var outcome = await scope.ServiceProvider.GetRequiredService<EvidenceTaskService>()
            .CreateAsync(new NewTask("AC-01", owner ?? Owner.Email, due, title), new TaskActor(lead, Platform.Teams));
        Assert.True(outcome.Succeeded, outcome.Message.Text);
        await OutboxWait.DrainedAsync(_app.Services); // the owner's card, queued with the task, is sent before the test goes on
        return outcome.Task!.Id;
    }

    /// <summary>Sends a message from the user in their chat; returns the body of the bot's reply to it.</summary>
    private async Task<string> SayAsync(TeamsUser user, string text)
    {
        var activity = Activity("message", user);
        activity["text"] = text;
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(activity)).StatusCode);
        var path = $"/connector/v3/conversations/{user.Conversation}/activities/{activity["id"]}";
        return Assert.Single(_fakes.ConnectorCalls(), c => c.RequestMessage.Path == path).RequestMessage.Body!;
    }

    /// <summary>Clicks an <c>Action.Execute</c> of a card in the message <paramref name="messageId"/> of the user's chat, with the card's inputs; returns the invoke response.</summary>
    private async Task<JsonObject> ClickAsync(TeamsUser user, JsonObject action, string messageId, JsonObject? inputs = null)
    {
        var data = action["data"]!.DeepClone().AsObject();
        foreach (var (key, value) in inputs ?? [])
        {
            data[key] = value?.DeepClone();
        }

        var activity = Activity("invoke", user);
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = messageId;
        activity["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = (string?)action["verb"], ["data"] = data }, ["trigger"] = "manual" };
        var response = await PostAsync(activity);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(200, (int?)body["statusCode"]);
        return body;
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

    /// <summary>Cards the bot posted into the user's chat on its own (not replies), with the activity ids the connector gave them.</summary>
    private async Task<List<(JsonObject Card, string MessageId)>> PostedAsync(TeamsUser user)
    {
        await OutboxWait.DrainedAsync(_app.Services);
        return Posted(user);
    }

    private List<(JsonObject Card, string MessageId)> Posted(TeamsUser user) =>
    [
        .. _fakes.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path == $"/connector/v3/conversations/{user.Conversation}/activities")
            .Select(c => (CardOf(c.RequestMessage.Body!), JsonNode.Parse(c.ResponseMessage.BodyData!.BodyAsString!)!["id"]!.GetValue<string>())),
    ];

    /// <summary>Cards the bot replaced in the user's chat, once the outbox has sent what it held (updates leave through it).</summary>
    private async Task<List<(string Path, JsonObject Card)>> UpdatesAsync(TeamsUser user)
    {
        await OutboxWait.DrainedAsync(_app.Services);
        return Updates(user);
    }

    private List<(string Path, JsonObject Card)> Updates(TeamsUser user) =>
    [
        .. _fakes.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "PUT" && c.RequestMessage.Path.StartsWith($"/connector/v3/conversations/{user.Conversation}/activities/", StringComparison.Ordinal))
            .Select(c => (c.RequestMessage.Path, CardOf(c.RequestMessage.Body!))),
    ];

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

    private static JsonObject CardOf(string activity) => JsonNode.Parse(activity)!["attachments"]![0]!["content"]!.AsObject();

    /// <summary>Every string in the card, one a line: what the reader sees, unescaped.</summary>
    private static string Words(JsonNode card) =>
        string.Join('\n', Elements(card).SelectMany(e => e.Select(p => p.Value)).OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>());

    private static string? Fact(JsonNode card, string title) =>
        Elements(card).Where(e => e["facts"] is not null).SelectMany(e => e["facts"]!.AsArray().OfType<JsonObject>())
            .Where(f => (string?)f["title"] == title).Select(f => (string?)f["value"]).SingleOrDefault();

    private static string TextOf(string activity) => JsonNode.Parse(activity)!["text"]!.GetValue<string>();

    /// <summary>Every object in the card, depth first.</summary>
    private static IEnumerable<JsonObject> Elements(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (var (_, child) in o)
                {
                    if (child is not null)
                    {
                        foreach (var inner in Elements(child))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a.OfType<JsonNode>())
                {
                    foreach (var inner in Elements(child))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static List<JsonObject> Buttons(JsonNode card, string title) =>
        [.. Elements(card).Where(e => (string?)e["type"] == "Action.Execute" && (string?)e["title"] == title)];

    private static JsonObject Button(JsonNode card, string title) => Buttons(card, title) switch
    {
        [var only] => only,
        var found => throw new Xunit.Sdk.XunitException($"expected one \"{title}\" button, found {found.Count} in {card.ToJsonString()}"),
    };

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
