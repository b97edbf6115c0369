using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Reviews;

public sealed class SqliteAccessReviewTests : AccessReviewTests<SqliteTestStore>;

public sealed class PostgresAccessReviewTests : AccessReviewTests<PostgresTestStore>;

/// <summary>
/// A group's access review from launch to report, as reviewers, the resource owner, the compliance lead and everyone
/// else meet it: the same tests on each provider. Mona manages Alice and Bob, Max manages Carol; Dave and Fay have no
/// manager, so Fay (the fallback) reviews Dave, and Owen (the owner) reviews Fay.
/// </summary>
public abstract class AccessReviewTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private static readonly DateTimeOffset Start = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Due = new(2026, 12, 31);

    private readonly TStore _store = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly FakeDirectory _directory = new();

    private readonly Person _lead = NewPerson("lee", PersonRoles.ComplianceLead);
    private readonly Person _mona = NewPerson("mona", PersonRoles.Employee);
    private readonly Person _max = NewPerson("max", PersonRoles.Employee);
    private readonly Person _fay = NewPerson("fay", PersonRoles.Employee);
    private readonly Person _owen = NewPerson("owen", PersonRoles.Employee);
    private readonly Person _nick = NewPerson("nick", PersonRoles.Employee);

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        db.People.AddRange(_lead, _mona, _max, _fay, _owen, _nick);
        foreach (var person in new[] { _lead, _mona, _owen })
        {
            db.ConversationReferences.Add(new ConversationReference
            {
                Platform = Platform.Slack,
                Scope = ConversationScope.Personal,
                ConversationId = $"D-{person.Email}",
                PersonId = person.Id,
                UpdatedAt = Start,
            });
        }

        await db.SaveChangesAsync();
        _directory.Owners.Add(_owen.Email);
        _directory.Population.AddRange(
        [
            FakeDirectory.Account("alice", _mona.Email, now: Start),
            FakeDirectory.Account("bob", _mona.Email, enabled: false, now: Start),
            FakeDirectory.Account("carol", _max.Email, guest: true, sponsor: false, now: Start),
            FakeDirectory.Account("dave", daysSinceSignIn: 120, now: Start),
            FakeDirectory.Account("fay", daysSinceSignIn: null, now: Start),
        ]);
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Launch_snapshots_the_population_with_recommendations_and_queues_each_reachable_reviewer_their_first_page()
    {
        var campaign = await LaunchAsync();

        await using var db = _store.NewContext();
        var stored = await db.AccessReviewCampaigns.SingleAsync();
        Assert.Equal(CampaignStatus.Running, stored.Status);
        Assert.Equal(Start, stored.SnapshotAt);
        Assert.Equal("Access review of Finance", stored.Name);
        Assert.Equal(_owen.Id, stored.ResourceOwnerId);
        var items = await db.AccessReviewItems.Include(i => i.Reviewer).ToDictionaryAsync(i => i.SubjectDisplayName);
        Assert.Equal(("Keep", "active account", "mona"), Summary(items["Alice"]));
        Assert.Equal(("Revoke", "account disabled", "mona"), Summary(items["Bob"]));
        Assert.Equal(("Revoke", "guest without a sponsor", "max"), Summary(items["Carol"]));
        Assert.Equal(("Revoke", "no sign-in for 120 days", "fay"), Summary(items["Dave"]));
        Assert.Equal(("Revoke", "never signed in", "owen"), Summary(items["Fay"])); // not herself

        // Mona and Owen talk to the bot; Max and Fay don't yet (they'll find it under "my reviews").
        var queued = await db.Outbox.OrderBy(o => o.IdempotencyKey).ToListAsync();
        Assert.Equal(2, queued.Count);
        Assert.All(queued, o => Assert.Equal("review.request", o.Kind));
        var monaCard = CardJson.Deserialize(queued.Single(o => o.IdempotencyKey.Contains(_mona.Id.ToString("N"), StringComparison.Ordinal)).Payload);
        Assert.Equal(2, monaCard.Body.OfType<RowsElement>().Single().Rows.Count);

        var launched = await db.AuditTrail.SingleAsync(e => e.Action == "review.launched");
        using var after = JsonDocument.Parse(launched.After!);
        Assert.Equal(5, after.RootElement.GetProperty("accounts").GetInt32());
        Assert.Equal(64, after.RootElement.GetProperty("populationSha256").GetString()!.Length);
        Assert.Equal(campaign.ToString("D"), launched.SubjectId);
    }

    [Fact]
    public async Task A_missing_Graph_permission_leaves_a_draft_and_tells_the_lead_in_plain_words()
    {
        _directory.Failure = new DirectoryException(DirectoryProblem.PermissionMissing, "ChatCompliance isn't allowed to read the members of this group: grant GroupMember.Read.All.");
        await using var db = _store.NewContext();

        var outcome = await Launcher(db).CreateAsync(Spec(), await ActorAsync(db, _lead));

        Assert.Equal(ReviewOutcomeKind.Failed, outcome.Kind);
        Assert.Contains("grant GroupMember.Read.All", outcome.Message.Text, StringComparison.Ordinal);
        await using var check = _store.NewContext();
        var draft = await check.AccessReviewCampaigns.SingleAsync();
        Assert.Equal(CampaignStatus.Draft, draft.Status);
        Assert.Contains("GroupMember.Read.All", draft.LaunchError, StringComparison.Ordinal);
        Assert.False(await check.AccessReviewItems.AnyAsync());
        Assert.False(await check.Outbox.AnyAsync());
    }

    [Fact]
    public async Task Only_a_compliance_lead_starts_a_review_and_the_refusal_is_audited()
    {
        await using var db = _store.NewContext();

        var outcome = await Launcher(db).CreateAsync(Spec(), await ActorAsync(db, _mona));

        Assert.Equal(ReviewOutcomeKind.Refused, outcome.Kind);
        Assert.False(await db.AccessReviewCampaigns.AnyAsync());
        Assert.True(await db.AuditTrail.AnyAsync(e => e.Action == "review.create_refused" && e.Actor == _mona.Email));
    }

    [Fact]
    public async Task Only_the_assigned_reviewer_decides_an_item_and_refusals_are_audited()
    {
        await LaunchAsync();
        var alice = await ItemAsync("Alice");

        var byMax = await DecideAsync(_max, alice, ReviewDecision.Keep);
        var byLead = await DecideAsync(_lead, alice, ReviewDecision.Revoke, "no");
        var byStranger = await DecideAsync(null, alice, ReviewDecision.Keep);

        Assert.All([byMax, byLead, byStranger], o => Assert.Equal(ReviewOutcomeKind.Refused, o.Kind));
        Assert.Equal("This account is for Mona to review; only the assigned reviewer can decide it.", byMax.Message.Text);
        Assert.Equal(ReviewDecision.Undecided, (await ItemAsync("Alice")).Decision);
        await using var db = _store.NewContext();
        Assert.Equal(3, await db.AuditTrail.CountAsync(e => e.Action == "review.refused"));
    }

    [Fact]
    public async Task A_reviewer_cannot_decide_their_own_access_one_by_one_or_all_at_once_and_the_refusal_is_audited()
    {
        var campaign = await LaunchAsync();
        await using (var db = _store.NewContext())
        {
            // Fay's own account ended up with her (a hand-over, an email changed in the directory): she still may not decide it.
            await db.AccessReviewItems.Where(i => i.SubjectDisplayName == "Fay").ExecuteUpdateAsync(u => u.SetProperty(i => i.ReviewerId, _fay.Id));
        }

        var own = await DecideAsync(_fay, await ItemAsync("Fay"), ReviewDecision.Keep, "I need it");
        ReviewOutcome all;
        await using (var db = _store.NewContext())
        {
            all = await Decisions(db).DecideAllAsync(campaign, await ActorAsync(db, _fay), BulkDecision.KeepRemaining, "all fine");
        }

        Assert.Equal((ReviewOutcomeKind.Refused, "This is your own access, so someone else must decide it: hand it to another reviewer (Hand to someone else), " +
            "or ask a compliance lead: Lee."), (own.Kind, own.Message.Text));
        Assert.Equal(ReviewOutcomeKind.Refused, all.Kind);
        Assert.StartsWith("1 of these accounts are your own access", all.Message.Text, StringComparison.Ordinal);
        Assert.Equal((ReviewDecision.Undecided, ReviewDecision.Undecided), ((await ItemAsync("Fay")).Decision, (await ItemAsync("Dave")).Decision));
        await using var check = _store.NewContext();
        var refusals = await check.AuditTrail.Where(e => e.Action == "review.refused").OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(2, refusals.Count);
        var fayItem = AuditSubjects.Id((await ItemAsync("Fay")).Id);
        Assert.All(refusals, e => Assert.Equal((_fay.Email, fayItem), (e.Actor, e.SubjectId)));
        Assert.Equal("decide keep refused: " + own.Message.Text, refusals[0].Reason);
    }

    [Fact]
    public async Task Revoking_or_keeping_a_flagged_account_needs_a_justification_and_keeping_an_unflagged_one_does_not()
    {
        await LaunchAsync();

        var revokeAlice = await DecideAsync(_mona, await ItemAsync("Alice"), ReviewDecision.Revoke);
        var keepBob = await DecideAsync(_mona, await ItemAsync("Bob"), ReviewDecision.Keep, "  ");
        var keepAlice = await DecideAsync(_mona, await ItemAsync("Alice"), ReviewDecision.Keep);
        var revokeBob = await DecideAsync(_mona, await ItemAsync("Bob"), ReviewDecision.Revoke, "left in October");

        Assert.Equal(ReviewOutcomeKind.Invalid, revokeAlice.Kind);
        Assert.Equal("Please write a justification for revoking access: Alice.", revokeAlice.Message.Text);
        Assert.Equal(ReviewOutcomeKind.Invalid, keepBob.Kind);
        Assert.Equal("Please write a justification for keeping a flagged account (account disabled): Bob.", keepBob.Message.Text);
        Assert.Equal(ReviewOutcomeKind.Done, keepAlice.Kind);
        Assert.Equal(ReviewOutcomeKind.Done, revokeBob.Kind);
        var bob = await ItemAsync("Bob");
        Assert.Equal((ReviewDecision.Revoke, "left in October", _mona.Id, Start), (bob.Decision, bob.Justification, bob.DecidedById!.Value, bob.DecidedAt!.Value));
    }

    [Fact]
    public async Task A_decision_is_made_once_a_stale_card_changes_nothing_and_a_change_needs_a_reason_and_its_own_entry()
    {
        await LaunchAsync();
        var alice = await ItemAsync("Alice");
        var kept = await DecideAsync(_mona, alice, ReviewDecision.Keep);

        var again = await DecideAsync(_mona, alice, ReviewDecision.Keep, version: alice.Version + 1);
        var stale = await DecideAsync(_mona, alice, ReviewDecision.Revoke, "clicked on an old card", version: alice.Version);
        var changeWithoutReason = await DecideAsync(_mona, alice, ReviewDecision.Revoke, version: alice.Version + 1);
        var changed = await DecideAsync(_mona, alice, ReviewDecision.Revoke, "moved to sales last week", version: alice.Version + 1);

        Assert.Equal(ReviewOutcomeKind.Done, kept.Kind);
        Assert.Equal(ReviewOutcomeKind.NotApplicable, again.Kind);
        Assert.Equal(ReviewOutcomeKind.Changed, stale.Kind);
        Assert.Equal(ReviewOutcomeKind.Invalid, changeWithoutReason.Kind);
        Assert.Equal(ReviewOutcomeKind.Done, changed.Kind);
        await using var db = _store.NewContext();
        var entries = await db.AuditTrail.Where(e => e.SubjectId == AuditSubjects.Id(alice.Id)).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(["review.decided", "review.decision_changed"], entries.Select(e => e.Action));
        Assert.Equal("moved to sales last week", entries[1].Reason);
        Assert.Contains("\"decision\":\"Keep\"", entries[1].Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_simultaneous_clicks_on_one_card_make_one_decision()
    {
        await LaunchAsync();
        var alice = await ItemAsync("Alice");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            DecideAsync(_mona, alice, i % 2 == 0 ? ReviewDecision.Keep : ReviewDecision.Revoke, "double click", version: alice.Version))));

        Assert.Single(outcomes, o => o.Kind == ReviewOutcomeKind.Done);
        await using var db = _store.NewContext();
        Assert.Equal(1, await db.AuditTrail.CountAsync(e => e.SubjectId == AuditSubjects.Id(alice.Id) && e.Action.StartsWith("review.decid")));
        Assert.True((await AuditChainVerifier.VerifyAsync(db, TestAuditKeys.Ring)).Intact);
    }

    [Fact]
    public async Task Accepting_all_recommendations_decides_the_rest_and_keeping_flagged_accounts_needs_a_justification()
    {
        var campaign = await LaunchAsync();
        await using (var db = _store.NewContext())
        {
            var decisions = Decisions(db);
            var preview = await decisions.PreviewAsync(campaign, _mona.Id, BulkDecision.KeepRemaining);
            Assert.Equal(new BulkPreview(2, 0, 1), preview);

            var refused = await decisions.DecideAllAsync(campaign, await ActorAsync(db, _mona), BulkDecision.KeepRemaining, null);
            Assert.Equal(ReviewOutcomeKind.Invalid, refused.Kind);
        }

        await using (var db = _store.NewContext())
        {
            var accepted = await Decisions(db).DecideAllAsync(campaign, await ActorAsync(db, _mona), BulkDecision.AcceptRecommendations, null);
            Assert.Equal((ReviewOutcomeKind.Done, 2), (accepted.Kind, accepted.Count));
        }

        Assert.Equal((ReviewDecision.Keep, null), ((await ItemAsync("Alice")).Decision, (await ItemAsync("Alice")).Justification));
        Assert.Equal((ReviewDecision.Revoke, "recommendation accepted: account disabled"), ((await ItemAsync("Bob")).Decision, (await ItemAsync("Bob")).Justification));
        Assert.Equal(ReviewDecision.Undecided, (await ItemAsync("Carol")).Decision); // Max's, not Mona's
    }

    [Fact]
    public async Task Handing_over_moves_the_undecided_accounts_and_is_recorded()
    {
        var campaign = await LaunchAsync();
        await DecideAsync(_mona, await ItemAsync("Alice"), ReviewDecision.Keep);
        await using (var db = _store.NewContext())
        {
            var handed = await Decisions(db).DelegateAsync(campaign, await ActorAsync(db, _mona), _nick.Email, "on leave until January");
            Assert.Equal(ReviewOutcomeKind.Done, handed.Kind);
            Assert.Equal("Handed 1 account(s) to Nick. They haven't talked to me yet: they'll see it under my reviews.", handed.Message.Text);
        }

        var bob = await ItemAsync("Bob");
        Assert.Equal((_nick.Id, _mona.Id), (bob.ReviewerId!.Value, bob.DelegatedFromId!.Value));
        Assert.Equal(_mona.Id, (await ItemAsync("Alice")).ReviewerId); // decided: stays
        Assert.Equal(ReviewOutcomeKind.Refused, (await DecideAsync(_mona, bob, ReviewDecision.Revoke, "x")).Kind);
        Assert.Equal(ReviewOutcomeKind.Done, (await DecideAsync(_nick, bob, ReviewDecision.Revoke, "confirmed with HR")).Kind);
        await using var check = _store.NewContext();
        var entry = await check.AuditTrail.SingleAsync(e => e.Action == "review.delegated");
        Assert.Equal("on leave until January", entry.Reason);
        Assert.Contains(_nick.Email, entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deciding_the_last_account_closes_the_review_asks_the_owner_to_remove_revoked_access_and_tells_the_lead()
    {
        var campaign = await LaunchAsync();
        await DecideAsync(_mona, await ItemAsync("Alice"), ReviewDecision.Keep);
        await DecideAsync(_mona, await ItemAsync("Bob"), ReviewDecision.Revoke, "disabled");
        await DecideAsync(_max, await ItemAsync("Carol"), ReviewDecision.Revoke, "contract ended");
        await DecideAsync(_fay, await ItemAsync("Dave"), ReviewDecision.Keep, "on parental leave");
        await DecideAsync(_owen, await ItemAsync("Fay"), ReviewDecision.Keep, "new starter");
        await using (var db = _store.NewContext())
        {
            Assert.True(await Completion(db).CompleteIfDecidedAsync(campaign));
        }

        await using (var db = _store.NewContext())
        {
            var stored = await db.AccessReviewCampaigns.SingleAsync();
            Assert.Equal((CampaignStatus.Completed, Start), (stored.Status, stored.CompletedAt!.Value));
            Assert.Equal(2, await db.AccessReviewItems.CountAsync(i => i.RemediationStatus == RemediationStatus.Pending));
            var remediation = await db.Outbox.SingleAsync(o => o.Kind == "review.remediation");
            Assert.Equal(db.ConversationReferences.Single(c => c.PersonId == _owen.Id).Id, remediation.ConversationReferenceId);
            Assert.Equal(2, CardJson.Deserialize(remediation.Payload).Body.OfType<RowsElement>().Single().Rows.Count);
            var summary = CardJson.Deserialize((await db.Outbox.SingleAsync(o => o.Kind == "review.summary")).Payload);
            Assert.Contains(summary.Body.OfType<FactsElement>().Single().Facts, f => f is { Label: "Revoked", Value: "2" });
        }

        var bob = await ItemAsync("Bob");
        await using (var db = _store.NewContext())
        {
            Assert.Equal(ReviewOutcomeKind.Refused, (await Decisions(db).MarkRemediatedAsync(bob.Id, await ActorAsync(db, _mona), null)).Kind);
        }

        await using (var db = _store.NewContext())
        {
            var done = await Decisions(db).MarkRemediatedAsync(bob.Id, await ActorAsync(db, _owen), "ticket IT-4411");
            Assert.Equal(ReviewOutcomeKind.Done, done.Kind);
        }

        bob = await ItemAsync("Bob");
        Assert.Equal((RemediationStatus.Done, "ticket IT-4411", Start), (bob.RemediationStatus, bob.RemediationNote, bob.RemediatedAt!.Value));
        Assert.Equal(ReviewOutcomeKind.NotApplicable, (await DecideAsync(_mona, await ItemAsync("Alice"), ReviewDecision.Revoke, "too late")).Kind);
    }

    [Fact]
    public async Task On_the_due_date_undecided_accounts_follow_the_recommendation_and_revocations_are_removed_through_Graph()
    {
        _directory.RemovalFailures["id-carol"] = "ChatCompliance isn't allowed to remove members: grant GroupMember.ReadWrite.All.";
        await LaunchAsync(Spec() with { UndecidedRule = UndecidedRule.ApplyRecommendation, RemoveThroughGraph = true });
        await DecideAsync(_mona, await ItemAsync("Alice"), ReviewDecision.Keep);
        _time.Advance(TimeSpan.FromDays(40));

        await using (var db = _store.NewContext())
        {
            Assert.Equal(0, await Completion(db).CompleteDueAsync(Due)); // the reviewers have all of the due day
            Assert.Equal(1, await Completion(db).CompleteDueAsync(Due.AddDays(1)));
            Assert.Equal(0, await Completion(db).CompleteDueAsync(Due.AddDays(1))); // once
        }

        Assert.Equal(["id-bob", "id-dave", "id-fay"], _directory.Removed.Order());
        var carol = await ItemAsync("Carol");
        Assert.Equal((ReviewDecision.Revoke, RemediationStatus.Failed), (carol.Decision, carol.RemediationStatus));
        Assert.Contains("GroupMember.ReadWrite.All", carol.RemediationNote, StringComparison.Ordinal);
        Assert.StartsWith("not decided by the due date", carol.Justification, StringComparison.Ordinal);
        Assert.Null(carol.DecidedById);
        Assert.Equal(RemediationStatus.Done, (await ItemAsync("Bob")).RemediationStatus);
        Assert.Equal((ReviewDecision.Keep, RemediationStatus.None), ((await ItemAsync("Alice")).Decision, (await ItemAsync("Alice")).RemediationStatus));
        await using var check = _store.NewContext();
        Assert.Equal(3, await check.AuditTrail.CountAsync(e => e.Action == "review.removed"));
        Assert.Equal(1, await check.AuditTrail.CountAsync(e => e.Action == "review.removal_failed"));
        Assert.False(await check.Outbox.AnyAsync(o => o.Kind == "review.remediation")); // Graph removed them
    }

    [Fact]
    public async Task The_report_gives_the_snapshot_every_decision_and_the_audit_chain_head()
    {
        var campaign = await LaunchAsync();
        await DecideAsync(_mona, await ItemAsync("Bob"), ReviewDecision.Revoke, "=HYPERLINK(\"x\") left");
        await using var db = _store.NewContext();

        var report = (await new CampaignReporter(db, TestAuditKeys.Ring, _time).BuildAsync(campaign))!;
        var head = await db.AuditTrail.OrderByDescending(e => e.Sequence).FirstAsync();

        Assert.Equal((5, 1, Start), (report.Campaign.Accounts, report.Campaign.Revoked, report.Campaign.SnapshotAt!.Value));
        Assert.Equal((head.Sequence, head.Hash), (report.Chain.HeadSequence, report.Chain.HeadHash));
        Assert.True(report.Chain.Intact);
        var bob = report.Items.Single(i => i.DisplayName == "Bob");
        Assert.Equal((ReviewDecision.Revoke, _mona.Email, "mona@example.com"), (bob.Decision, bob.DecidedBy, bob.Reviewer));
        using var csvText = new StringWriter();
        await CampaignReporter.WriteCsvAsync(report, csvText);
        var csv = csvText.ToString();
        Assert.Contains($"# population snapshot: {AuditTrail.FormatTime(Start)}, 5 accounts, sha256 {report.Campaign.PopulationSha256}", csv, StringComparison.Ordinal);
        Assert.Contains($"hash {head.Hash}", csv, StringComparison.Ordinal);
        Assert.Contains("'=HYPERLINK", csv, StringComparison.Ordinal); // no formula for a spreadsheet to run
        using var json = new MemoryStream();
        await CampaignReporter.WriteJsonAsync(report, json);
        using var parsed = JsonDocument.Parse(Encoding.UTF8.GetString(json.ToArray()));
        Assert.Equal(5, parsed.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal("Revoke", parsed.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("displayName").GetString() == "Bob").GetProperty("decision").GetString());
    }

    [Fact]
    public async Task A_CSV_campaign_reviews_the_accounts_given_and_names_every_bad_row()
    {
        const string bad = "account_id,display_name,access,enabled,last_sign_in\nu1,Una,admin,maybe,2026-11-01\nu2,,admin,yes,yesterday\nu1,Una,admin,yes,\n";
        var (_, errors) = await PopulationCsv.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(bad)));
        Assert.Equal(["2 enabled", "3 display_name", "3 last_sign_in"], errors.Select(e => $"{e.Line} {e.Column}"));

        const string good = "account_id,display_name,access,email,enabled,last_sign_in\nu1,Una,admin,una@example.com,yes,2026-11-01\nu2,Udo,reader,udo@example.com,no,\n";
        var (accounts, none) = await PopulationCsv.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(good)));
        Assert.Empty(none);
        await using var db = _store.NewContext();
        var outcome = await Launcher(db).CreateAsync(
            new NewCampaign("Payroll Q4", ReviewResourceKind.CsvAccounts, "Payroll", ReviewerRule.ResourceOwner, Due, ResourceOwnerEmail: _owen.Email),
            await ActorAsync(db, _lead), accounts);

        Assert.Equal(ReviewOutcomeKind.Done, outcome.Kind);
        var items = await db.AccessReviewItems.ToListAsync();
        Assert.Equal([("Udo", ReviewRecommendation.Revoke, "account disabled"), ("Una", ReviewRecommendation.Keep, "active account")],
            items.OrderBy(i => i.SubjectDisplayName, StringComparer.Ordinal).Select(i => (i.SubjectDisplayName, i.Recommendation, i.RecommendationReason)));
    }

    [Fact]
    public async Task A_quarterly_review_starts_its_next_campaign_once_when_the_next_quarter_begins()
    {
        var first = await LaunchAsync(); // quarterly by default, its period starting today (2026-11-28)
        await using (var db = _store.NewContext())
        {
            Assert.Empty(await Launcher(db).LaunchDueRecurrencesAsync(new DateOnly(2027, 2, 27)));
        }

        // Two instances' jobs at the same moment: one campaign.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var db = _store.NewContext();
            return await Launcher(db).LaunchDueRecurrencesAsync(new DateOnly(2027, 2, 28));
        })));
        await using (var db = _store.NewContext())
        {
            Assert.Empty(await Launcher(db).LaunchDueRecurrencesAsync(new DateOnly(2027, 3, 15)));
        }

        Assert.Single(outcomes.SelectMany(o => o), o => o.Succeeded);
        await using var check = _store.NewContext();
        var next = await check.AccessReviewCampaigns.SingleAsync(c => c.Id != first);
        Assert.Equal((new DateOnly(2027, 2, 28), Due.AddMonths(3), first, CampaignStatus.Running), (next.PeriodStart, next.DueDate, next.SeriesId!.Value, next.Status));
        Assert.Equal(5, await check.AccessReviewItems.CountAsync(i => i.CampaignId == next.Id));
        Assert.True((await AuditChainVerifier.VerifyAsync(check, TestAuditKeys.Ring)).Intact);
    }

    private async Task<Guid> LaunchAsync(NewCampaign? spec = null)
    {
        await using var db = _store.NewContext();
        var outcome = await Launcher(db).CreateAsync(spec ?? Spec(), await ActorAsync(db, _lead));
        Assert.True(outcome.Succeeded, outcome.Message.Text);
        return outcome.Campaign!.Id;
    }

    private NewCampaign Spec() => new(CampaignLauncher.DefaultName("2b7c8f4e-1f2a-4d3b-9c8d-7e6f5a4b3c2d"), ReviewResourceKind.EntraGroup,
        "2b7c8f4e-1f2a-4d3b-9c8d-7e6f5a4b3c2d", ReviewerRule.Manager, Due, FallbackReviewerEmail: _fay.Email);

    private async Task<ReviewOutcome> DecideAsync(Person? actor, AccessReviewItem item, ReviewDecision decision, string? justification = null, int? version = null)
    {
        await using var db = _store.NewContext();
        return await Decisions(db).DecideAsync(item.Id, version ?? item.Version, await ActorAsync(db, actor), decision, justification);
    }

    private async Task<AccessReviewItem> ItemAsync(string name)
    {
        await using var db = _store.NewContext();
        return await db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.SubjectDisplayName == name);
    }

    private CampaignLauncher Launcher(ComplianceDbContext db) => new(db, new AuditTrail(_time, TestAuditKeys.Ring), _directory, _time, Options.Create(new ReviewOptions()));

    private ReviewDecisions Decisions(ComplianceDbContext db) => new(db, new AuditTrail(_time, TestAuditKeys.Ring), _time, Options.Create(new ReviewOptions()), Options.Create(new ChatCompliance.Core.Duties.SeparationOfDutiesOptions()));

    private CampaignCompletion Completion(ComplianceDbContext db) => new(db, new AuditTrail(_time, TestAuditKeys.Ring), _directory, _time, Options.Create(new ReviewOptions()));

    private static (string, string, string) Summary(AccessReviewItem item) =>
        (item.Recommendation.ToString(), item.RecommendationReason!, item.Reviewer!.Email.Split('@')[0]);

    private static async Task<TaskActor> ActorAsync(ComplianceDbContext db, Person? person) =>
        new(person is null ? null : await db.People.SingleAsync(p => p.Id == person.Id), Platform.Slack, person is null ? "U-STRANGER" : null);

    private static Person NewPerson(string name, PersonRoles roles) => new()
    {
        Email = $"{name}@example.com",
        DisplayName = name[..1].ToUpperInvariant() + name[1..],
        Roles = roles | PersonRoles.Employee,
        CreatedAt = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero),
    };
}
