using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Curation;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.AdminApi;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static ChatCompliance.Tests.AdminApi.Problems;

namespace ChatCompliance.Tests.Curation;

public sealed class SqliteDraftApiTests(EntraAdminApiFixture fixture) : DraftApiTests(fixture, fixture.Entra), IClassFixture<EntraAdminApiFixture>;

/// <summary>
/// <c>/api/v1/kb/drafts</c>: leads list, edit, approve and reject drafts with their own Entra ID tokens, under the same
/// rules as the chat card (the answer's author approves only when no other lead exists); every hostile request gets a
/// 4xx and changes nothing.
/// </summary>
public abstract class DraftApiTests(AdminApiFixture fixture, EntraFakes entra) : IAsyncLifetime
{
    private Person _alice = null!;
    private Person _bob = null!;

    public async Task InitializeAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        _alice = Lead($"alice-{tag}@example.com", "Alice Lead");
        _bob = Lead($"bob-{tag}@example.com", "Bob Backup");
        await fixture.DbAsync(async db =>
        {
            await db.People.ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false));
            db.People.AddRange(_alice, _bob);
            return await db.SaveChangesAsync();
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_lead_lists_edits_and_another_lead_approves_a_draft_and_each_step_is_audited()
    {
        var draft = await DraftAsync("what is a bridge letter between soc 2 periods", "A letter from the service organisation covering the gap. See CC2.3.");

        var listed = await As(_alice).GetFromJsonAsync<JsonElement>("/api/v1/kb/drafts");
        Assert.Contains(listed.EnumerateArray(), d => d.GetProperty("id").GetGuid() == draft.Id && d.GetProperty("references")[0].GetString() == "SOC2:CC2.3");

        var edited = await As(_alice).PutAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}", new
        {
            version = draft.Version,
            title = "What is a bridge letter?",
            phrasings = new[] { "what is a bridge letter", "bridge letter soc 2", "gap letter between soc reports", "do we need a bridge letter" },
            sourceTitle = "AICPA, SOC 2 examinations",
            sourceUrl = "https://www.aicpa-cima.com/topic/audit-assurance/audit-and-assurance-greater-than-soc-2",
        });
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var version = (await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32();

        var own = await AssertProblemAsync(await As(_alice).PostAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}/approve", new { version }), HttpStatusCode.Forbidden);
        Assert.Equal("You wrote this answer, so another compliance lead must approve it: Bob Backup.", own.GetProperty("detail").GetString());

        var approved = await As(_bob).PostAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}/approve", new { version });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("approved", (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        // Answered from at once, on this instance.
        var answer = await fixture.DbAsync(async db => (await fixture.App.Services.GetRequiredService<CuratedKnowledge>().RefreshAsync(db)).Answer("do we need a bridge letter"));
        Assert.Equal(draft.EntryId, answer.EntryId);

        var trail = await fixture.DbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.SubjectType == AuditSubjects.KnowledgeDraft && e.SubjectId == AuditSubjects.Id(draft.Id))
            .OrderBy(e => e.Sequence).Select(e => new { e.Action, e.Actor }).ToListAsync());
        Assert.Equal(["kb.draft_created", "kb.draft_edited", "kb.draft_refused", "kb.draft_approved"], trail.Select(t => t.Action));
        Assert.Equal(_bob.Email, trail[^1].Actor);
    }

    [Fact]
    public async Task Approving_twice_rejecting_after_approval_and_editing_after_it_are_conflicts_and_change_nothing()
    {
        var draft = await DraftAsync("who signs a soc 2 bridge letter", "Management of the service organisation.");
        Assert.Equal(HttpStatusCode.OK, (await As(_bob).PostAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}/approve", new { })).StatusCode);
        var before = await StoredAsync(draft.Id);

        await AssertProblemAsync(await As(_bob).PostAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}/approve", new { }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await As(_alice).PostAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}/reject", new { reason = "changed my mind" }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await As(_alice).PutAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}", new { title = "Other" }), HttpStatusCode.Conflict);

        var after = await StoredAsync(draft.Id);
        Assert.Equal((before.Status, before.Version, before.Title, before.RejectionReason), (after.Status, after.Version, after.Title, after.RejectionReason));
    }

    [Fact]
    public async Task Hostile_requests_get_a_4xx_and_change_nothing()
    {
        var draft = await DraftAsync("can a bridge letter be unsigned", "No: management signs it.");
        var before = await StoredAsync(draft.Id);
        var url = $"/api/v1/kb/drafts/{draft.Id}";

        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.PostAsJsonAsync(url + "/approve", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Anonymous.GetAsync("/api/v1/kb/drafts")).StatusCode);
        var employee = Lead($"eve-{Guid.NewGuid():N}@example.com", "Eve Employee");
        employee.Roles = PersonRoles.Employee;
        await fixture.DbAsync(async db => { db.People.Add(employee); return await db.SaveChangesAsync(); });
        Assert.Equal(HttpStatusCode.Forbidden, (await As(employee).PostAsJsonAsync(url + "/approve", new { })).StatusCode);
        var key = await fixture.ClientAsync(ApiKeyRole.ComplianceLead);
        var noPerson = await AssertProblemAsync(await key.PostAsJsonAsync(url + "/approve", new { }), HttpStatusCode.Forbidden);
        Assert.Contains("needs a person", noPerson.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await AssertProblemAsync(await As(_bob).PostAsJsonAsync($"/api/v1/kb/drafts/{Guid.NewGuid()}/approve", new { }), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await As(_bob).PostAsJsonAsync("/api/v1/kb/drafts/not-a-guid/approve", new { })).StatusCode);
        await AssertProblemAsync(await As(_bob).PutAsJsonAsync(url, new { body = new string('b', DraftRules.MaximumBodyLength + 1) }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await As(_bob).PutAsJsonAsync(url, new { references = new[] { "SOC2:CC99.9" } }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await As(_bob).PutAsJsonAsync(url, new { sourceUrl = "javascript:alert(1)" }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await As(_bob).PutAsJsonAsync(url, new { phrasings = Array.Empty<string>() }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await As(_bob).PutAsJsonAsync(url, new { version = before.Version + 5, title = "Stale" }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await As(_bob).GetAsync("/api/v1/kb/drafts?status=everything"), HttpStatusCode.BadRequest);

        var after = await StoredAsync(draft.Id);
        Assert.Equal((DraftStatus.Pending, before.Version, before.Title, before.Body, before.Phrasings, before.References, before.SourceUrl),
            (after.Status, after.Version, after.Title, after.Body, after.Phrasings, after.References, after.SourceUrl));
    }

    [Fact]
    public async Task A_rejected_draft_is_never_answered_from()
    {
        var draft = await DraftAsync("what colour is a soc 2 report cover", "Whatever colour the CPA firm prints it in.");
        var rejected = await As(_bob).PostAsJsonAsync($"/api/v1/kb/drafts/{draft.Id}/reject", new { reason = "Not worth an entry" });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var stored = await StoredAsync(draft.Id);
        Assert.Equal((DraftStatus.Rejected, "Not worth an entry"), (stored.Status, stored.RejectionReason));
        var answer = await fixture.DbAsync(async db => (await fixture.App.Services.GetRequiredService<CuratedKnowledge>().RefreshAsync(db)).Answer("what colour is a soc 2 report cover"));
        Assert.NotEqual(draft.EntryId, answer.EntryId);
    }

    /// <summary>A question handed off and answered by Alice, saved as a draft by her (through the service the chat card uses).</summary>
    private async Task<KnowledgeDraft> DraftAsync(string text, string answer)
    {
        var question = new Question
        {
            Text = text, AskedAt = DateTimeOffset.UtcNow, Status = QuestionStatus.AnsweredByLead, HandedOffAt = DateTimeOffset.UtcNow, Answer = answer,
            AnsweredById = _alice.Id, AnsweredAt = DateTimeOffset.UtcNow,
        };
        await fixture.DbAsync(async db => { db.Questions.Add(question); return await db.SaveChangesAsync(); });
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<KnowledgeDrafts>().SaveFromAnswerAsync(question.Id, new TaskActor(_alice, Platform.Teams));
        Assert.Equal(DraftOutcomeKind.Done, outcome.Kind);
        return outcome.Draft!;
    }

    private Task<KnowledgeDraft> StoredAsync(Guid id) => fixture.DbAsync(db => db.KnowledgeDrafts.AsNoTracking().SingleAsync(d => d.Id == id));

    private static Person Lead(string email, string name) => new()
    {
        Email = email,
        DisplayName = name,
        Roles = PersonRoles.Employee | PersonRoles.ComplianceLead,
        EntraObjectId = Guid.NewGuid().ToString(),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private HttpClient As(Person person) => fixture.WithToken(entra.Token(roles: [], objectId: person.EntraObjectId));
}
