using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static ChatCompliance.Tests.AdminApi.Problems;

namespace ChatCompliance.Tests.AdminApi;

public sealed class SqliteDecisionApiTests(EntraAdminApiFixture fixture) : DecisionApiTests(fixture, fixture.Entra), IClassFixture<EntraAdminApiFixture>;

public sealed class PostgresDecisionApiTests(PostgresEntraAdminApiFixture fixture) : DecisionApiTests(fixture, fixture.Entra), IClassFixture<PostgresEntraAdminApiFixture>;

/// <summary>The app on PostgreSQL with the fake Entra tenant configured, so people call the admin API with their own tokens.</summary>
public sealed class PostgresEntraAdminApiFixture : AdminApiFixture
{
    private readonly TestPostgres _postgres = new();

    public EntraFakes Entra { get; } = new();

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        await _postgres.InitializeAsync();
        var settings = Entra.Settings();
        settings["ConnectionStrings:Postgres"] = _postgres.ConnectionString;
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Entra.Dispose();
        await _postgres.DisposeAsync();
    }
}

/// <summary>
/// Leads decide tasks and reviewers decide accounts through the admin API with their own Entra ID tokens, under the same
/// separation of duties as in chat: each refusal is a 403 problem naming who can, is in the audit trail, and changes
/// nothing; hostile requests get a 4xx and change nothing.
/// </summary>
public abstract class DecisionApiTests(AdminApiFixture fixture, EntraFakes entra) : IAsyncLifetime
{
    private const string Evidence = "https://evidence.example.com/ac.pdf";

    private Person _alice = null!;
    private Person _bob = null!;
    private Control _control = null!;

    public async Task InitializeAsync()
    {
        // Each test has its own two leads; everyone before them leaves, so a refusal names exactly the other one.
        var tag = Guid.NewGuid().ToString("N")[..8];
        _alice = Lead($"alice-{tag}@example.com", "Alice Lead");
        _bob = Lead($"bob-{tag}@example.com", "Bob Backup");
        _control = new Control { Code = $"AC-{tag}", Title = "Quarterly access review", Soc2Refs = ["CC6.2"], CreatedAt = DateTimeOffset.UtcNow };
        await fixture.DbAsync(async db =>
        {
            await db.People.ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
            db.People.AddRange(_alice, _bob);
            db.Controls.Add(_control);
            return await db.SaveChangesAsync();
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_lead_cannot_accept_or_return_evidence_they_submitted_and_is_told_who_can()
    {
        var task = await TaskAsync(t => Submitted(t, _alice));

        foreach (var (verb, body) in new[] { ("accept", (object)new { version = task.Version }), ("reject", new { version = task.Version, reason = "Not enough" }) })
        {
            var problem = await AssertProblemAsync(await As(_alice).PostAsJsonAsync(Url(task, verb), body), HttpStatusCode.Forbidden);
            Assert.Equal($"You submitted this evidence, so another compliance lead must {(verb == "accept" ? "accept" : "return")} it: Bob Backup.",
                problem.GetProperty("detail").GetString());
        }

        await AssertUnchangedAsync(task);
        var refusals = await RefusalsAsync(task.Id);
        Assert.Equal(["task.accepted refused: ", "task.rejected refused: "], refusals.Select(e => e.Reason![..(e.Reason!.IndexOf(':', StringComparison.Ordinal) + 2)]));
        Assert.All(refusals, e => Assert.Equal((_alice.Email, Platform.Api), (e.Actor, e.Platform)));
    }

    [Fact]
    public async Task Another_lead_accepts_the_evidence_and_the_task_keeps_the_controls_references()
    {
        var task = await TaskAsync(t => Submitted(t, _alice));

        var response = await As(_bob).PostAsJsonAsync(Url(task, "accept"), new { version = task.Version, reason = "Looks complete" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accepted = await fixture.DbAsync(db => db.EvidenceTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id));
        Assert.Equal((EvidenceTaskStatus.Accepted, (Guid?)_bob.Id, "Looks complete", task.Version + 1), (accepted.Status, accepted.DecidedById, accepted.DecisionReason, accepted.Version));
        Assert.Equal(["CC6.2"], accepted.AcceptedSoc2Refs!);
        var entry = await fixture.DbAsync(db => db.AuditTrail.AsNoTracking().OrderByDescending(e => e.Sequence).FirstAsync());
        Assert.Equal(("task.accepted", _bob.Email, Platform.Api), (entry.Action, entry.Actor, entry.Platform));
    }

    [Fact]
    public async Task Another_lead_returns_the_evidence_with_a_reason_and_the_task_opens_again()
    {
        var task = await TaskAsync(t => Submitted(t, _alice));

        var response = await As(_bob).PostAsJsonAsync(Url(task, "reject"), new { version = task.Version, reason = "The export is unsigned" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var returned = await fixture.DbAsync(db => db.EvidenceTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id));
        Assert.Equal((EvidenceTaskStatus.Open, "The export is unsigned"), (returned.Status, returned.DecisionReason));
    }

    [Fact]
    public async Task A_lead_cannot_decide_the_extension_they_asked_for_but_another_lead_can()
    {
        var later = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(60);
        var task = await TaskAsync(t =>
        {
            t.RequestedDueDate = later;
            t.ExtensionReason = "Auditor moved";
            t.ExtensionRequestedById = _alice.Id;
        });

        var refused = await AssertProblemAsync(await As(_alice).PostAsJsonAsync(Url(task, "extension"), new { version = task.Version, decision = "approve" }), HttpStatusCode.Forbidden);

        Assert.Equal("You asked for this extension, so another compliance lead must decide it: Bob Backup.", refused.GetProperty("detail").GetString());
        await AssertUnchangedAsync(task);
        Assert.Single(await RefusalsAsync(task.Id));

        var approved = await As(_bob).PostAsJsonAsync(Url(task, "extension"), new { version = task.Version, decision = "approve", reason = "Fine" });

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var after = await fixture.DbAsync(db => db.EvidenceTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id));
        Assert.Equal((later, (DateOnly?)null), (after.DueDate, after.RequestedDueDate));
    }

    [Fact]
    public async Task A_lead_cannot_approve_the_reassignment_they_asked_for_but_another_lead_can()
    {
        var newOwner = new Person { Email = $"nora-{Guid.NewGuid():N}@example.com", DisplayName = "Nora New", Roles = PersonRoles.Employee, CreatedAt = DateTimeOffset.UtcNow };
        await fixture.DbAsync(db =>
        {
            db.People.Add(newOwner);
            return db.SaveChangesAsync();
        });
        var task = await TaskAsync(t =>
        {
            t.ProposedOwnerId = newOwner.Id;
            t.ReassignReason = "Nora runs this now";
            t.ReassignRequestedById = _alice.Id;
        });

        var refused = await AssertProblemAsync(await As(_alice).PostAsJsonAsync(Url(task, "reassignment"), new { version = task.Version, decision = "approve" }), HttpStatusCode.Forbidden);

        Assert.Equal("You asked for this reassignment, so another compliance lead must decide it: Bob Backup.", refused.GetProperty("detail").GetString());
        await AssertUnchangedAsync(task);
        Assert.Single(await RefusalsAsync(task.Id));

        Assert.Equal(HttpStatusCode.OK, (await As(_bob).PostAsJsonAsync(Url(task, "reassignment"), new { version = task.Version, decision = "approve" })).StatusCode);
        var after = await fixture.DbAsync(db => db.EvidenceTasks.AsNoTracking().SingleAsync(t => t.Id == task.Id));
        Assert.Equal((newOwner.Id, (Guid?)null), (after.OwnerId, after.ProposedOwnerId));
    }

    [Fact]
    public async Task A_reviewer_cannot_decide_their_own_access_through_the_api_but_decides_the_others()
    {
        var (own, other) = await CampaignAsync(reviewer: _alice);

        var refused = await AssertProblemAsync(await As(_alice).PostAsJsonAsync(ItemUrl(own), new { version = 1, decision = "keep" }), HttpStatusCode.Forbidden);

        Assert.Equal("This is your own access, so someone else must decide it: hand it to another reviewer (Hand to someone else), or ask a compliance lead: Bob Backup.",
            refused.GetProperty("detail").GetString());
        var stored = await fixture.DbAsync(db => db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.Id == own.Id));
        Assert.Equal((ReviewDecision.Undecided, 1), (stored.Decision, stored.Version));
        var entry = Assert.Single(await fixture.DbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.SubjectId == AuditSubjects.Id(own.Id)).ToListAsync()));
        Assert.Equal(("review.refused", _alice.Email, Platform.Api), (entry.Action, entry.Actor, entry.Platform));

        var decided = await As(_alice).PostAsJsonAsync(ItemUrl(other), new { version = 1, decision = "keep" });

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal(ReviewDecision.Keep, (await fixture.DbAsync(db => db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.Id == other.Id))).Decision);
    }

    [Fact]
    public async Task Someone_other_than_the_assigned_reviewer_is_refused_and_nothing_changes()
    {
        var (_, other) = await CampaignAsync(reviewer: _alice);

        var problem = await AssertProblemAsync(await As(_bob).PostAsJsonAsync(ItemUrl(other), new { version = 1, decision = "revoke", justification = "Left" }), HttpStatusCode.Forbidden);

        Assert.Contains("only the assigned reviewer can decide it", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(ReviewDecision.Undecided, (await fixture.DbAsync(db => db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.Id == other.Id))).Decision);
    }

    [Fact]
    public async Task An_api_key_with_no_person_behind_it_cannot_decide_and_is_told_why()
    {
        var task = await TaskAsync(t => Submitted(t, _alice));
        var (_, item) = await CampaignAsync(reviewer: _alice);

        var onTask = await AssertProblemAsync(await fixture.Lead.PostAsJsonAsync(Url(task, "accept"), new { version = task.Version }), HttpStatusCode.Forbidden);
        var onItem = await AssertProblemAsync(await fixture.Lead.PostAsJsonAsync(ItemUrl(item), new { version = 1, decision = "keep" }), HttpStatusCode.Forbidden);

        Assert.All(new[] { onTask, onItem }, p => Assert.StartsWith("This decision needs a person", p.GetProperty("detail").GetString(), StringComparison.Ordinal));
        await AssertUnchangedAsync(task);
        Assert.Equal(ReviewDecision.Undecided, (await fixture.DbAsync(db => db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.Id == item.Id))).Decision);
    }

    [Fact]
    public async Task Hostile_decisions_get_a_4xx_problem_and_change_nothing()
    {
        var task = await TaskAsync(t => Submitted(t, _alice));
        var (_, item) = await CampaignAsync(reviewer: _bob);
        var before = await TrailCountAsync();
        var bob = As(_bob);

        await AssertProblemAsync(await bob.PostAsJsonAsync($"/api/v1/tasks/{Guid.NewGuid()}/accept", new { version = 1 }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await bob.PostAsJsonAsync($"/api/v1/reviews/items/{Guid.NewGuid()}/decision", new { version = 1, decision = "keep" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await bob.PostAsync(Url(task, "accept"), new StringContent("{\"version\": 1,", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await bob.PostAsync(Url(task, "reject"), new StringContent("{\"version\": \"one\", \"reason\": 5}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await bob.PostAsync(ItemUrl(item), new StringContent("[]", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.Contains("reason", (await AssertValidationProblemAsync(await bob.PostAsJsonAsync(Url(task, "reject"), new { version = task.Version, reason = "bad\0reason" }))).Keys);
        await AssertProblemAsync(await bob.PostAsync(Url(task, "reject"), new StringContent($"{{\"version\": {task.Version}, \"reason\": \"half \\ud800 a character\"}}", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.Contains("justification", (await AssertValidationProblemAsync(await bob.PostAsJsonAsync(ItemUrl(item), new { version = 1, decision = "revoke", justification = "nul\0" }))).Keys);
        Assert.Contains("reason", (await AssertValidationProblemAsync(await bob.PostAsJsonAsync(Url(task, "reject"), new { version = task.Version }))).Keys);
        Assert.Contains("version", (await AssertValidationProblemAsync(await bob.PostAsJsonAsync(Url(task, "accept"), new { reason = "no version" }))).Keys);
        Assert.Contains("decision", (await AssertValidationProblemAsync(await bob.PostAsJsonAsync(Url(task, "extension"), new { version = task.Version, decision = "maybe" }))).Keys);
        Assert.Contains("decision", (await AssertValidationProblemAsync(await bob.PostAsJsonAsync(ItemUrl(item), new { version = 1, decision = "approve" }))).Keys);
        var stale = await AssertProblemAsync(await bob.PostAsJsonAsync(Url(task, "accept"), new { version = task.Version - 1 }), HttpStatusCode.Conflict);
        Assert.Contains($"now at version {task.Version}", stale.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(await bob.PostAsJsonAsync(ItemUrl(item), new { version = 7, decision = "keep" }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await bob.PostAsJsonAsync(Url(task, "extension"), new { version = task.Version, decision = "approve" }), HttpStatusCode.Conflict); // none pending

        await AssertUnchangedAsync(task);
        Assert.Equal(ReviewDecision.Undecided, (await fixture.DbAsync(db => db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.Id == item.Id))).Decision);
        Assert.Equal(before, await TrailCountAsync());
    }

    private static Person Lead(string email, string name) => new()
    {
        Email = email,
        DisplayName = name,
        Roles = PersonRoles.Employee | PersonRoles.ComplianceLead,
        EntraObjectId = Guid.NewGuid().ToString(),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private static void Submitted(EvidenceTask task, Person by)
    {
        task.Status = EvidenceTaskStatus.Submitted;
        task.EvidenceUrl = Evidence;
        task.SubmittedAt = DateTimeOffset.UtcNow;
        task.SubmittedById = by.Id;
    }

    /// <summary>A task of a control owner (not one of the leads), shaped by <paramref name="shape"/>.</summary>
    private async Task<EvidenceTask> TaskAsync(Action<EvidenceTask> shape)
    {
        var owner = new Person { Email = $"olivia-{Guid.NewGuid():N}@example.com", DisplayName = "Olivia Owner", Roles = PersonRoles.Employee | PersonRoles.ControlOwner, CreatedAt = DateTimeOffset.UtcNow };
        var task = new EvidenceTask
        {
            ControlId = _control.Id,
            Title = "Q4 access review",
            OwnerId = owner.Id,
            DueDate = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30),
            CreatedBy = "test",
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            Version = 3,
        };
        shape(task);
        await fixture.DbAsync(db =>
        {
            db.People.Add(owner);
            db.EvidenceTasks.Add(task);
            return db.SaveChangesAsync();
        });
        return task;
    }

    /// <summary>A running campaign with two accounts for <paramref name="reviewer"/>: their own, and someone else's.</summary>
    private async Task<(AccessReviewItem Own, AccessReviewItem Other)> CampaignAsync(Person reviewer)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var campaign = new AccessReviewCampaign
        {
            Name = "VPN access",
            ResourceKind = ReviewResourceKind.CsvAccounts,
            ResourceId = "vpn",
            ReviewerRule = ReviewerRule.ResourceOwner,
            ResourceOwnerId = reviewer.Id,
            PeriodStart = today.AddDays(-5),
            PeriodEnd = today,
            DueDate = today.AddDays(14),
            Status = CampaignStatus.Running,
            Recurrence = Recurrence.None,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        var own = new AccessReviewItem { CampaignId = campaign.Id, SubjectId = reviewer.Email, SubjectDisplayName = reviewer.DisplayName, SubjectEmail = reviewer.Email, Access = "vpn-users", ReviewerId = reviewer.Id };
        var other = new AccessReviewItem { CampaignId = campaign.Id, SubjectId = "zed@example.com", SubjectDisplayName = "Zed Someone", SubjectEmail = "zed@example.com", Access = "vpn-users", ReviewerId = reviewer.Id };
        await fixture.DbAsync(db =>
        {
            db.AccessReviewCampaigns.Add(campaign);
            db.AccessReviewItems.AddRange(own, other);
            return db.SaveChangesAsync();
        });
        return (own, other);
    }

    private HttpClient As(Person person) => fixture.WithToken(entra.Token(roles: [], objectId: person.EntraObjectId));

    private static string Url(EvidenceTask task, string verb) => $"/api/v1/tasks/{task.Id}/{verb}";

    private static string ItemUrl(AccessReviewItem item) => $"/api/v1/reviews/items/{item.Id}/decision";

    private async Task AssertUnchangedAsync(EvidenceTask expected)
    {
        var stored = await fixture.DbAsync(db => db.EvidenceTasks.AsNoTracking().SingleAsync(t => t.Id == expected.Id));
        Assert.Equal((expected.Status, expected.Version, expected.DueDate, expected.OwnerId, expected.DecidedById, expected.RequestedDueDate, expected.ProposedOwnerId),
            (stored.Status, stored.Version, stored.DueDate, stored.OwnerId, stored.DecidedById, stored.RequestedDueDate, stored.ProposedOwnerId));
        Assert.DoesNotContain(await fixture.DbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.SubjectId == AuditSubjects.Id(expected.Id)).Select(e => e.Action).ToListAsync()),
            a => a != "task.refused");
    }

    private Task<List<AuditTrailEntry>> RefusalsAsync(Guid taskId) =>
        fixture.DbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.Action == "task.refused" && e.SubjectId == AuditSubjects.Id(taskId)).OrderBy(e => e.Sequence).ToListAsync());

    private Task<int> TrailCountAsync() => fixture.DbAsync(db => db.AuditTrail.CountAsync());
}
