using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Tasks;

public sealed class SqliteEvidenceTaskServiceTests : EvidenceTaskServiceTests<SqliteTestStore>;

public sealed class PostgresEvidenceTaskServiceTests : EvidenceTaskServiceTests<PostgresTestStore>;

/// <summary>
/// An evidence task's transitions as the owner, the delegate, the compliance leads and everyone else see them:
/// the same tests on each provider, each on a fresh database holding one task (AC-01, due 2026-12-31).
/// </summary>
public abstract class EvidenceTaskServiceTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    // Stands for "the version the task has now": the card was current when clicked.
    private const int CurrentVersion = -1;

    private const string Link = "https://evidence.example.com/ac-01/2026-q4.pdf";
    private const string NotYours = "Only the task's owner or their delegate can do that.";
    private const string LeadsOnly = "Only a compliance lead can do that.";
    private const string Unknown = "I don't know you yet, so I can't let you act on evidence tasks. Please ask your compliance team to add you.";

    private static readonly DateOnly Due = new(2026, 12, 31);

    private readonly TStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private readonly Person _owner = NewPerson("olivia", "Olivia Owner", PersonRoles.Employee | PersonRoles.ControlOwner);
    private readonly Person _delegate = NewPerson("dan", "Dan Delegate", PersonRoles.Employee);
    private readonly Person _other = NewPerson("oscar", "Oscar Other", PersonRoles.Employee);
    private readonly Person _lead = NewPerson("lee", "Lee Lead", PersonRoles.Employee | PersonRoles.ComplianceLead);
    private readonly Person _secondLead = NewPerson("lara", "Lara Lead", PersonRoles.Employee | PersonRoles.ComplianceLead);
    private readonly Person _bob = NewPerson("bob", "Bob Builder", PersonRoles.Employee);
    private readonly Person _retiredLead = NewPerson("rita", "Rita Retired", PersonRoles.ComplianceLead, active: false);

    private Guid _task;

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        db.People.AddRange(_owner, _delegate, _other, _lead, _secondLead, _bob, _retiredLead);
        db.Controls.Add(new Control
        {
            Code = "AC-01",
            Title = "Quarterly access review",
            Soc2Refs = ["CC6.2"],
            EvidenceDescription = "Signed export of the review",
            Frequency = EvidenceFrequency.Quarterly,
            OwnerId = _owner.Id,
            CreatedAt = _time.GetUtcNow(),
        });
        await db.SaveChangesAsync();

        var created = await Service(db).CreateAsync(
            new NewTask("AC-01", _owner.Email, Due, "Q4 access review", new DateOnly(2026, 10, 1), Due, _delegate.Email), await ActorAsync(db, _lead));
        Assert.True(created.Succeeded, created.Message.Text);
        _task = created.Task!.Id;
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Evidence_goes_from_open_to_submitted_to_accepted_and_each_step_is_audited()
    {
        var submitted = await ActAsync(_owner, new SubmitEvidence(Link, "Signed by the CISO", new DateOnly(2026, 10, 1), Due));

        Assert.Equal(TaskOutcomeKind.Done, submitted.Kind);
        Assert.Equal("Thanks: your evidence is with the compliance team.", submitted.Message.Text);
        var task = await TaskAsync();
        Assert.Equal(EvidenceTaskStatus.Submitted, task.Status);
        Assert.Equal(Link, task.EvidenceUrl);
        Assert.Equal("Signed by the CISO", task.EvidenceNote);
        Assert.Equal(new DateOnly(2026, 10, 1), task.EvidenceEffectiveFrom);
        Assert.Equal(Due, task.EvidenceEffectiveTo);
        Assert.Equal(_time.GetUtcNow(), task.SubmittedAt);
        Assert.Equal(2, task.Version);

        _time.Advance(TimeSpan.FromDays(1));
        var accepted = await ActAsync(_secondLead, new AcceptEvidence("Complete and signed"));

        Assert.Equal(TaskOutcomeKind.Done, accepted.Kind);
        Assert.Equal("Evidence accepted.", accepted.Message.Text);
        task = await TaskAsync();
        Assert.Equal(EvidenceTaskStatus.Accepted, task.Status);
        Assert.Equal(_secondLead.Id, task.DecidedById);
        Assert.Equal(_time.GetUtcNow(), task.DecidedAt);
        Assert.Equal("Complete and signed", task.DecisionReason);
        Assert.Equal(3, task.Version);

        var trail = await TrailAsync();
        Assert.Equal(["task.created", "task.submitted", "task.accepted"], trail.Select(e => e.Action));
        Assert.Equal((_lead.Email, _lead.Id), (trail[0].Actor, trail[0].ActorPersonId));
        Assert.Equal((_owner.Email, _owner.Id, Platform.Teams, "Signed by the CISO"), (trail[1].Actor, trail[1].ActorPersonId, trail[1].Platform, trail[1].Reason));
        Assert.Contains("\"status\":\"Open\"", trail[1].Before, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"Submitted\"", trail[1].After, StringComparison.Ordinal);
        Assert.Contains(Link, trail[1].After, StringComparison.Ordinal);
        Assert.Equal((_secondLead.Email, "Complete and signed"), (trail[2].Actor, trail[2].Reason));
        Assert.Contains("\"status\":\"Accepted\"", trail[2].After, StringComparison.Ordinal);

        // Accepted is final: the owner's old buttons no longer apply.
        var late = await ActAsync(_owner, new MarkDone("done again"));
        Assert.Equal(TaskOutcomeKind.NotApplicable, late.Kind);
        Assert.Equal("This task is already accepted.", late.Message.Text);
        Assert.Equal(3, (await TaskAsync()).Version);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task Marking_done_with_a_comment_hands_the_task_in_without_a_link()
    {
        var done = await ActAsync(_delegate, new MarkDone("  Reviewed in the HR system on 3 November  "));

        Assert.Equal(TaskOutcomeKind.Done, done.Kind);
        var task = await TaskAsync();
        Assert.Equal(EvidenceTaskStatus.Submitted, task.Status);
        Assert.Null(task.EvidenceUrl);
        Assert.Equal("Reviewed in the HR system on 3 November", task.EvidenceNote);
        var entry = (await TrailAsync())[^1];
        Assert.Equal((_delegate.Email, "task.marked_done"), (entry.Actor, entry.Action));

        var twice = await ActAsync(_owner, new SubmitEvidence(Link, null, null, null));
        Assert.Equal(TaskOutcomeKind.NotApplicable, twice.Kind);
        Assert.Equal("Evidence for this task is already with the compliance team.", twice.Message.Text);
    }

    [Fact]
    public async Task Returned_evidence_opens_the_task_again_with_the_leads_reason_for_the_owner()
    {
        await ActAsync(_owner, new SubmitEvidence(Link, null, null, null));

        var returned = await ActAsync(_lead, new RejectEvidence("The export is from Q3; please attach the Q4 one."));

        Assert.Equal(TaskOutcomeKind.Done, returned.Kind);
        Assert.Equal("Evidence returned to the owner with your reason.", returned.Message.Text);
        var task = await TaskAsync();
        Assert.Equal(EvidenceTaskStatus.Open, task.Status);
        Assert.Equal("The export is from Q3; please attach the Q4 one.", task.DecisionReason);
        Assert.Equal(_lead.Id, task.DecidedById);

        var card = TaskCards.Owner(task, DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime));
        Assert.Equal("Evidence task · Returned, open", card.Header!.Subtitle);
        Assert.Contains(card.Body.OfType<TextElement>(), t => t.Text == "Returned by the compliance team: The export is from Q3; please attach the Q4 one.");
        Assert.Contains(card.Actions.OfType<CardAction>(), a => a.Title == "Submit evidence");

        var again = await ActAsync(_owner, new SubmitEvidence(Link.Replace("q4", "Q4-final", StringComparison.Ordinal), null, null, null));
        Assert.Equal(TaskOutcomeKind.Done, again.Kind);
        Assert.Equal(EvidenceTaskStatus.Submitted, (await TaskAsync()).Status);
        var trail = await TrailAsync();
        Assert.Equal(["task.created", "task.submitted", "task.rejected", "task.submitted"], trail.Select(e => e.Action));
        Assert.Equal("The export is from Q3; please attach the Q4 one.", trail[2].Reason);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task An_approved_extension_moves_the_due_date()
    {
        var asked = await ActAsync(_owner, new RequestExtension(new DateOnly(2027, 1, 31), "The auditor's access arrives in January"));

        Assert.Equal(TaskOutcomeKind.Done, asked.Kind);
        Assert.Equal("Asked the compliance team to move the due date to 2027-01-31.", asked.Message.Text);
        var task = await TaskAsync();
        Assert.Equal(Due, task.DueDate);
        Assert.Equal(new DateOnly(2027, 1, 31), task.RequestedDueDate);
        Assert.Equal("The auditor's access arrives in January", task.ExtensionReason);

        var askedAgain = await ActAsync(_owner, new RequestExtension(new DateOnly(2027, 2, 28), "even later"));
        Assert.Equal(TaskOutcomeKind.NotApplicable, askedAgain.Kind);
        Assert.Equal("An extension request is already waiting for a decision.", askedAgain.Message.Text);

        var approved = await ActAsync(_lead, new DecideExtension(true, null));

        Assert.Equal(TaskOutcomeKind.Done, approved.Kind);
        Assert.Equal("Extension approved: now due 2027-01-31.", approved.Message.Text);
        task = await TaskAsync();
        Assert.Equal(new DateOnly(2027, 1, 31), task.DueDate);
        Assert.Null(task.RequestedDueDate);
        Assert.Null(task.ExtensionReason);
        Assert.Equal(["task.created", "task.extension_requested", "task.extension_approved"], (await TrailAsync()).Select(e => e.Action));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_declined_extension_keeps_the_due_date()
    {
        await ActAsync(_owner, new RequestExtension(new DateOnly(2027, 1, 31), "Holidays"));

        var declined = await ActAsync(_lead, new DecideExtension(false, "Fieldwork starts on 4 January"));

        Assert.Equal(TaskOutcomeKind.Done, declined.Kind);
        Assert.Equal("Extension declined.", declined.Message.Text);
        var task = await TaskAsync();
        Assert.Equal(Due, task.DueDate);
        Assert.Null(task.RequestedDueDate);
        var trail = await TrailAsync();
        Assert.Equal(("task.extension_declined", "Fieldwork starts on 4 January"), (trail[^1].Action, trail[^1].Reason));

        var decideAgain = await ActAsync(_secondLead, new DecideExtension(true, null));
        Assert.Equal(TaskOutcomeKind.NotApplicable, decideAgain.Kind);
        Assert.Equal("There is no extension request waiting.", decideAgain.Message.Text);
        Assert.Equal(Due, (await TaskAsync()).DueDate);
    }

    [Fact]
    public async Task A_reassignment_hands_the_task_over_at_once()
    {
        var handed = await ActAsync(_owner, new Reassign("Bob@Example.com", "Bob runs access reviews now"));

        Assert.Equal(TaskOutcomeKind.Done, handed.Kind);
        Assert.Equal("The task is now Bob Builder's.", handed.Message.Text);
        var task = await TaskAsync();
        Assert.Equal(_bob.Id, task.OwnerId);
        Assert.Null(task.DelegateId);
        Assert.Null(task.ProposedOwnerId);
        var trail = await TrailAsync();
        Assert.Equal(("task.reassigned", "Bob runs access reviews now"), (trail[^1].Action, trail[^1].Reason));
        Assert.Contains($"\"ownerId\":\"{_bob.Id}\"", trail[^1].After, StringComparison.Ordinal);

        // The old owner and their delegate have let go; the new owner acts.
        Assert.Equal(TaskOutcomeKind.Refused, (await ActAsync(_owner, new MarkDone("still mine?"))).Kind);
        Assert.Equal(TaskOutcomeKind.Refused, (await ActAsync(_delegate, new MarkDone("still mine?"))).Kind);
        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_bob, new SubmitEvidence(Link, null, null, null))).Kind);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task With_approval_required_a_reassignment_waits_for_a_lead()
    {
        var asked = await ActAsync(_owner, new Reassign(_bob.Email, "Moving teams"), approval: true);

        Assert.Equal(TaskOutcomeKind.Done, asked.Kind);
        Assert.Equal("Asked the compliance team to approve handing the task to Bob Builder.", asked.Message.Text);
        var task = await TaskAsync();
        Assert.Equal(_owner.Id, task.OwnerId);
        Assert.Equal(_bob.Id, task.ProposedOwnerId);
        Assert.Equal("Moving teams", task.ReassignReason);
        Assert.Equal("task.reassignment_requested", (await TrailAsync())[^1].Action);
        Assert.Equal(TaskOutcomeKind.Refused, (await ActAsync(_bob, new MarkDone("not yet mine"))).Kind);

        var approved = await ActAsync(_lead, new DecideReassignment(true, null), approval: true);

        Assert.Equal(TaskOutcomeKind.Done, approved.Kind);
        Assert.Equal("Reassignment approved.", approved.Message.Text);
        task = await TaskAsync();
        Assert.Equal(_bob.Id, task.OwnerId);
        Assert.Null(task.ProposedOwnerId);
        Assert.Null(task.ReassignReason);
        Assert.Equal(
            ["task.created", "task.reassignment_requested", "task.refused", "task.reassignment_approved"],
            (await TrailAsync()).Select(e => e.Action));
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_declined_reassignment_leaves_the_task_with_its_owner()
    {
        await ActAsync(_owner, new Reassign(_bob.Email, null), approval: true);

        var declined = await ActAsync(_lead, new DecideReassignment(false, "Bob is on leave"), approval: true);

        Assert.Equal(TaskOutcomeKind.Done, declined.Kind);
        Assert.Equal("Reassignment declined.", declined.Message.Text);
        var task = await TaskAsync();
        Assert.Equal(_owner.Id, task.OwnerId);
        Assert.Equal(_delegate.Id, task.DelegateId);
        Assert.Null(task.ProposedOwnerId);
        Assert.Equal("task.reassignment_declined", (await TrailAsync())[^1].Action);
        Assert.Equal(TaskOutcomeKind.NotApplicable, (await ActAsync(_lead, new DecideReassignment(true, null), approval: true)).Kind);
    }

    [Fact]
    public async Task Only_the_owner_or_delegate_act_as_owner_and_only_active_leads_decide_and_every_refusal_is_audited()
    {
        // Submitted, so every owner action and every lead decision could change the task if allowed.
        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_delegate, new SubmitEvidence(Link, null, null, null))).Kind);
        await ActAsync(_owner, new RequestExtension(new DateOnly(2027, 1, 31), "Holidays"));
        var before = EvidenceTaskService.Snapshot(await TaskAsync());
        var refusals = new (Person? Actor, TaskCommand Command, string Message)[]
        {
            (_other, new SubmitEvidence(Link, null, null, null), NotYours),
            (_other, new MarkDone("done"), NotYours),
            (_other, new Reassign(_other.Email, "mine now"), NotYours),
            (_other, new AcceptEvidence(null), LeadsOnly),
            (null, new SubmitEvidence(Link, null, null, null), Unknown),
            (null, new AcceptEvidence(null), Unknown),
            (_lead, new SubmitEvidence(Link, null, null, null), NotYours),
            (_lead, new RequestExtension(new DateOnly(2027, 3, 1), "lead wants more time"), NotYours),
            (_lead, new Reassign(_bob.Email, null), NotYours),
            (_owner, new AcceptEvidence("self-approval"), LeadsOnly),
            (_owner, new RejectEvidence("undo"), LeadsOnly),
            (_owner, new DecideExtension(true, null), LeadsOnly),
            (_owner, new DecideReassignment(true, null), LeadsOnly),
            (_delegate, new AcceptEvidence(null), LeadsOnly),
            (_retiredLead, new AcceptEvidence(null), Unknown),
        };

        foreach (var (actor, command, message) in refusals)
        {
            var who = actor?.Email ?? "unknown teams user 29:stranger";
            var outcome = await ActAsync(actor, command);

            Assert.True(outcome.Kind == TaskOutcomeKind.Refused, $"{who} {command.Action}: {outcome.Kind}");
            Assert.Equal(message, outcome.Message.Text);
            Assert.Equal(before, EvidenceTaskService.Snapshot(await TaskAsync()));
            var entry = (await TrailAsync())[^1];
            Assert.Equal(("task.refused", who, actor?.Id), (entry.Action, entry.Actor, entry.ActorPersonId));
            Assert.Equal($"{command.Action} refused: {message}", entry.Reason);
            Assert.Null(entry.Before);
            Assert.Null(entry.After);
        }

        Assert.Equal(refusals.Length, (await TrailAsync()).Count(e => e.Action == "task.refused"));
        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_secondLead, new DecideExtension(true, null))).Kind);
        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_lead, new AcceptEvidence(null))).Kind);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_click_on_a_stale_card_changes_nothing_and_shows_the_task_as_it_is()
    {
        await ActAsync(_owner, new RequestExtension(new DateOnly(2027, 1, 31), "Holidays"));
        var entries = (await TrailAsync()).Count;

        var stale = await ActAsync(_owner, new SubmitEvidence(Link, null, null, null), version: 1);

        Assert.Equal(TaskOutcomeKind.Changed, stale.Kind);
        Assert.Equal("This task changed since that card was shown (or someone acted first). Here is its current state.", stale.Message.Text);
        Assert.Equal(2, stale.Task!.Version);
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Open, 2, (string?)null), (task.Status, task.Version, task.EvidenceUrl));
        Assert.Equal(entries, (await TrailAsync()).Count);

        // A lead's card shown before the extension was decided is just as stale.
        await ActAsync(_lead, new DecideExtension(false, null));
        var staleDecision = await ActAsync(_secondLead, new DecideExtension(true, null), version: 2);
        Assert.Equal(TaskOutcomeKind.Changed, staleDecision.Kind);
        Assert.Equal(Due, (await TaskAsync()).DueDate);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task Ten_simultaneous_accepts_by_two_leads_accept_the_evidence_once()
    {
        await ActAsync(_owner, new SubmitEvidence(Link, null, null, null));
        var shown = (await TaskAsync()).Version;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => ActAsync(i % 2 == 0 ? _lead : _secondLead, new AcceptEvidence($"accept {i}"), version: shown))));

        var winner = Assert.Single(outcomes, o => o.Kind == TaskOutcomeKind.Done);
        Assert.All(outcomes.Where(o => o != winner), o => Assert.True(o.Kind is TaskOutcomeKind.Changed or TaskOutcomeKind.NotApplicable, o.Kind.ToString()));
        Assert.All(outcomes.Where(o => o != winner), o => Assert.Equal(EvidenceTaskStatus.Accepted, o.Task!.Status));
        var task = await TaskAsync();
        Assert.Equal((EvidenceTaskStatus.Accepted, shown + 1), (task.Status, task.Version));
        var accepted = Assert.Single(await TrailAsync(), e => e.Action == "task.accepted");
        Assert.Equal(task.DecisionReason, accepted.Reason);
        Assert.Equal(task.DecidedById, accepted.ActorPersonId);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task Simultaneous_submissions_by_owner_and_delegate_keep_exactly_one()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => ActAsync(i % 2 == 0 ? _owner : _delegate, new SubmitEvidence($"{Link}?copy={i}", null, null, null), version: 1))));

        Assert.Single(outcomes, o => o.Kind == TaskOutcomeKind.Done);
        Assert.All(outcomes, o => Assert.True(o.Kind is TaskOutcomeKind.Done or TaskOutcomeKind.Changed, o.Kind.ToString()));
        var submitted = Assert.Single(await TrailAsync(), e => e.Action == "task.submitted");
        var task = await TaskAsync();
        Assert.Equal(2, task.Version);
        Assert.Contains(task.EvidenceUrl!, submitted.After, StringComparison.Ordinal);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task The_cards_a_change_causes_are_queued_in_its_transaction_so_a_losing_click_queues_none()
    {
        await using (var db = _store.NewContext())
        {
            db.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, ConversationId = "DLEE", PersonId = _lead.Id, UpdatedAt = _time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            await using var db = _store.NewContext();
            return await Service(db).ActAsync(_task, 1, await ActorAsync(db, i % 2 == 0 ? _owner : _delegate), new SubmitEvidence($"{Link}?copy={i}", null, null, null));
        })));

        Assert.Single(outcomes, o => o.Kind == TaskOutcomeKind.Done);
        await using var check = _store.NewContext();
        var card = Assert.Single(await check.Outbox.ToListAsync()); // the lead's card, once: the nine that lost queued nothing
        Assert.Equal("task.lead", card.Kind);
        Assert.Contains($"copy=", card.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_a_reason_and_changes_nothing()
    {
        var before = EvidenceTaskService.Snapshot(await TaskAsync());
        var entries = (await TrailAsync()).Count;
        var cases = new (Person Actor, TaskCommand Command, string Message)[]
        {
            (_owner, new SubmitEvidence("javascript:alert(1)", null, null, null), "The evidence link must be a full https://"),
            (_owner, new SubmitEvidence("ftp://x", null, null, null), "The evidence link must be a full https://"),
            (_owner, new SubmitEvidence("evidence.example.com/q4", null, null, null), "The evidence link must be a full https://"),
            (_owner, new SubmitEvidence("https://" + new string('a', 2000) + ".example.com", null, null, null), "at most 2,000 characters"),
            (_owner, new SubmitEvidence(Link, new string('n', 2001), null, null), "The note can be at most 2,000 characters."),
            (_owner, new SubmitEvidence(Link, null, new DateOnly(2026, 12, 1), new DateOnly(2026, 11, 1)), "The evidence period must start before it ends."),
            (_owner, new MarkDone(""), "Please say in a comment how the task was done."),
            (_owner, new MarkDone("   "), "Please say in a comment how the task was done."),
            (_owner, new RequestExtension(Due, "more time"), "The new due date must be after the current one (2026-12-31)."),
            (_owner, new RequestExtension(Due.AddDays(-10), "more time"), "The new due date must be after the current one (2026-12-31)."),
            (_owner, new RequestExtension(Due.AddDays(10), " "), "Please give a reason for the extension."),
            (_owner, new Reassign("nobody@example.com", null), "I don't know anyone with the email nobody@example.com. Ask your compliance team to add them first."),
            (_owner, new Reassign(_retiredLead.Email, null), "I don't know anyone with the email rita@example.com."),
            (_owner, new Reassign("not an email", null), "Please give the new owner's email address."),
            (_owner, new Reassign(_owner.Email, null), "Olivia Owner already owns this task."),
            (_lead, new RejectEvidence(""), "Please give the owner a reason for returning the evidence."),
            (_lead, new AcceptEvidence(new string('c', 2001)), "That text is too long: at most 2,000 characters."),
        };

        foreach (var (actor, command, message) in cases)
        {
            var outcome = await ActAsync(actor, command);

            Assert.True(outcome.Kind == TaskOutcomeKind.Invalid, $"{command}: {outcome.Kind} {outcome.Message.Text}");
            Assert.Contains(message, outcome.Message.Text, StringComparison.Ordinal);
            Assert.Equal(before, EvidenceTaskService.Snapshot(await TaskAsync()));
            Assert.Equal(entries, (await TrailAsync()).Count);
        }

        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task An_action_on_a_task_that_is_gone_says_so()
    {
        await using var db = _store.NewContext();

        var outcome = await Service(db).ActAsync(Guid.NewGuid(), 1, await ActorAsync(db, _owner), new MarkDone("done"));

        Assert.Equal(TaskOutcomeKind.NotFound, outcome.Kind);
        Assert.Equal("I can't find that evidence task any more.", outcome.Message.Text);
    }

    [Fact]
    public async Task A_lead_cannot_approve_the_reassignment_they_asked_for_and_another_lead_can()
    {
        await using (var db = _store.NewContext())
        {
            await db.EvidenceTasks.Where(t => t.Id == _task).ExecuteUpdateAsync(u => u.SetProperty(t => t.DelegateId, _secondLead.Id));
        }

        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_secondLead, new Reassign(_bob.Email, "Bob knows it"), approval: true)).Kind);

        var own = await ActAsync(_secondLead, new DecideReassignment(true, null), approval: true);

        Assert.Equal((TaskOutcomeKind.Refused, "You asked for this reassignment, so another compliance lead must decide it: Lee Lead."), (own.Kind, own.Message.Text));
        var task = await TaskAsync();
        Assert.Equal((_owner.Id, (Guid?)_bob.Id, 2), (task.OwnerId, task.ProposedOwnerId, task.Version));
        var refusal = (await TrailAsync())[^1];
        Assert.Equal(("task.refused", _secondLead.Email, "task.reassignment_approved refused: " + own.Message.Text), (refusal.Action, refusal.Actor, refusal.Reason));

        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_lead, new DecideReassignment(true, null), approval: true)).Kind);
        Assert.Equal(_bob.Id, (await TaskAsync()).OwnerId);
        await AssertChainIntactAsync();
    }

    [Fact]
    public async Task A_lead_cannot_accept_or_return_evidence_they_submitted_as_delegate()
    {
        await using (var db = _store.NewContext())
        {
            await db.EvidenceTasks.Where(t => t.Id == _task).ExecuteUpdateAsync(u => u.SetProperty(t => t.DelegateId, _lead.Id));
        }

        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_lead, new SubmitEvidence(Link, null, null, null))).Kind);

        var accept = await ActAsync(_lead, new AcceptEvidence("fine"));
        var reject = await ActAsync(_lead, new RejectEvidence("not fine"));

        Assert.Equal((TaskOutcomeKind.Refused, "You submitted this evidence, so another compliance lead must accept it: Lara Lead."), (accept.Kind, accept.Message.Text));
        Assert.Equal("You submitted this evidence, so another compliance lead must return it: Lara Lead.", reject.Message.Text);
        Assert.Equal((EvidenceTaskStatus.Submitted, (Guid?)null), ((await TaskAsync()).Status, (await TaskAsync()).DecidedById));
        Assert.Equal(["task.refused", "task.refused"], (await TrailAsync())[^2..].Select(e => e.Action));
        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_secondLead, new AcceptEvidence(null))).Kind);
    }

    [Fact]
    public async Task With_the_rule_turned_off_a_lead_may_accept_what_they_submitted()
    {
        await using (var db = _store.NewContext())
        {
            await db.EvidenceTasks.Where(t => t.Id == _task).ExecuteUpdateAsync(u => u.SetProperty(t => t.DelegateId, _lead.Id));
        }

        var off = new ChatCompliance.Core.Duties.SeparationOfDutiesOptions { SubmitterCannotDecide = false, OwnerLeadCannotCloseOwnTask = false };
        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_lead, new SubmitEvidence(Link, null, null, null), duties: off)).Kind);

        Assert.Equal(TaskOutcomeKind.Done, (await ActAsync(_lead, new AcceptEvidence(null), duties: off)).Kind);
        Assert.Equal(EvidenceTaskStatus.Accepted, (await TaskAsync()).Status);
    }

    [Fact]
    public async Task Editing_a_controls_references_after_acceptance_leaves_the_evidence_export_unchanged()
    {
        await ActAsync(_owner, new SubmitEvidence(Link, null, null, null));
        await ActAsync(_lead, new AcceptEvidence(null));
        var request = new AuditExportRequest(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)) { Framework = Framework.Soc2, Reference = "CC6.2" };
        AuditExport before;
        await using (var db = _store.NewContext())
        {
            before = await new AuditExporter(db, TestAuditKeys.Ring, _time).ExportAsync(request);
            var control = await db.Controls.SingleAsync();
            control.Soc2Refs = ["CC6.3"];
            control.Iso27001Refs = ["A.5.18"];
            await db.SaveChangesAsync();
        }

        await using (var db = _store.NewContext())
        {
            var after = await new AuditExporter(db, TestAuditKeys.Ring, _time).ExportAsync(request);
            var row = Assert.Single(after.Tasks);
            Assert.Equal(["CC6.2"], row.Soc2Refs);
            Assert.Empty(row.Iso27001Refs);
            Assert.Equal(Assert.Single(before.Tasks).Soc2Refs, row.Soc2Refs);
            Assert.Empty((await new AuditExporter(db, TestAuditKeys.Ring, _time).ExportAsync(request with { Reference = "CC6.3" })).Tasks);
        }

        var task = await TaskAsync();
        Assert.Equal(["CC6.2"], task.AcceptedSoc2Refs);
    }

    /// <summary>One click: a fresh context (as a request has), the actor read from it, and the card's version (the current one unless given).</summary>
    private async Task<TaskOutcome> ActAsync(Person? actor, TaskCommand command, int version = CurrentVersion, bool approval = false,
        ChatCompliance.Core.Duties.SeparationOfDutiesOptions? duties = null)
    {
        await using var db = _store.NewContext();
        var shown = version == CurrentVersion ? await db.EvidenceTasks.Where(t => t.Id == _task).Select(t => t.Version).SingleAsync() : version;
        return await Service(db, approval, duties).ActAsync(_task, shown, await ActorAsync(db, actor), command);
    }

    private EvidenceTaskService Service(ComplianceDbContext db, bool approval = false, ChatCompliance.Core.Duties.SeparationOfDutiesOptions? duties = null) =>
        new(db, new AuditTrail(_time, TestAuditKeys.Ring), _time, Options.Create(new TaskOptions { ReassignRequiresApproval = approval }),
            Options.Create(duties ?? new ChatCompliance.Core.Duties.SeparationOfDutiesOptions()), new TaskMessages(db, _time), new ChatCompliance.Core.Outbox.OutboxSignal());

    private static async Task<TaskActor> ActorAsync(ComplianceDbContext db, Person? person) =>
        new(person is null ? null : await db.People.SingleAsync(p => p.Id == person.Id), Platform.Teams, person is null ? "29:stranger" : null);

    private async Task<EvidenceTask> TaskAsync()
    {
        await using var db = _store.NewContext();
        return await db.EvidenceTasks.Include(t => t.Control).Include(t => t.Owner).AsNoTracking().SingleAsync(t => t.Id == _task);
    }

    private async Task<List<AuditTrailEntry>> TrailAsync()
    {
        await using var db = _store.NewContext();
        var subject = AuditSubjects.Id(_task);
        return await db.AuditTrail.AsNoTracking()
            .Where(e => e.SubjectType == AuditSubjects.EvidenceTask && e.SubjectId == subject)
            .OrderBy(e => e.Sequence)
            .ToListAsync();
    }

    private async Task AssertChainIntactAsync()
    {
        await using var db = _store.NewContext();
        var report = await AuditChainVerifier.VerifyAsync(db, TestAuditKeys.Ring);
        Assert.True(report.Intact, report.Summary);
    }

    private static Person NewPerson(string name, string displayName, PersonRoles roles, bool active = true) => new()
    {
        Email = $"{name}@example.com",
        DisplayName = displayName,
        Roles = roles,
        IsActive = active,
        CreatedAt = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero),
    };
}
