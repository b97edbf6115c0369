using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatCompliance.Tests.Host;
using Microsoft.EntityFrameworkCore;
using static ChatCompliance.Tests.AdminApi.Problems;

namespace ChatCompliance.Tests.AdminApi;

[Collection(AppCollection.Name)]
public sealed class SqliteLeadsActNowApiTests(SqliteAdminApiFixture fixture) : LeadsActNowApiTests(fixture), IClassFixture<SqliteAdminApiFixture>;

[Collection(AppCollection.Name)]
public sealed class PostgresLeadsActNowApiTests(PostgresAdminApiFixture fixture) : LeadsActNowApiTests(fixture), IClassFixture<PostgresAdminApiFixture>;

/// <summary>A lead acts now over the API: runs a job, creates an overdue task when onboarding, moves a due date.</summary>
public abstract class LeadsActNowApiTests(AdminApiFixture fixture)
{
    private HttpClient Lead => fixture.Lead;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Theory]
    [InlineData("chase")]
    [InlineData("digest")]
    [InlineData("generate")]
    [InlineData("DIGEST")]
    public async Task A_lead_runs_a_job_now_and_the_audit_trail_names_who_ran_which(string job)
    {
        var before = await RunsAsync(job.ToLowerInvariant());

        var run = await Json(await Lead.PostAsync(new Uri($"/api/v1/jobs/{job}/run", UriKind.Relative), null));

        Assert.Equal(job.ToLowerInvariant(), run.GetProperty("job").GetString());
        Assert.False(string.IsNullOrWhiteSpace(run.GetProperty("message").GetString()));
        var entries = await RunsAsync(job.ToLowerInvariant());
        Assert.Equal(before.Count + 1, entries.Count);
        Assert.Equal(("api:apikey:test", "Job"), (entries[^1].Actor, entries[^1].SubjectType));
    }

    [Fact]
    public async Task A_lead_announces_a_named_audit_now_and_unknown_or_missing_audits_are_refused()
    {
        var name = $"SOC 2 Type 2 {Guid.NewGuid():N}"[..24];
        var id = (await Json(await Lead.PostAsJsonAsync("/api/v1/audits", new { kind = "soc2-type1", name, startsOn = Today.AddDays(40).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })))
            .GetProperty("id").GetGuid();
        var before = await RunsAsync("announce");

        var byName = await Json(await Lead.PostAsJsonAsync("/api/v1/jobs/announce/run", new { audit = name.ToUpperInvariant() }));
        var byId = await Json(await Lead.PostAsJsonAsync("/api/v1/jobs/announce/run", new { audit = id.ToString() }));
        var unknownAudit = await Lead.PostAsJsonAsync("/api/v1/jobs/announce/run", new { audit = "No such audit" });
        var unknownId = await Lead.PostAsJsonAsync("/api/v1/jobs/announce/run", new { audit = Guid.NewGuid().ToString() });
        var noAudit = await Lead.PostAsync(new Uri("/api/v1/jobs/announce/run", UriKind.Relative), null);
        var nul = await Lead.PostAsync(new Uri("/api/v1/jobs/announce/run", UriKind.Relative), new StringContent("""{"audit":"SOC\u0000 2"}""", Encoding.UTF8, "application/json"));
        var auditForDigest = await Lead.PostAsJsonAsync("/api/v1/jobs/digest/run", new { audit = name });

        Assert.Equal(0, byName.GetProperty("count").GetInt32()); // no channel subscribes to audits in this app
        Assert.Contains(name, byId.GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertProblemAsync(unknownAudit, HttpStatusCode.NotFound);
        await AssertProblemAsync(unknownId, HttpStatusCode.NotFound);
        await AssertProblemAsync(noAudit, HttpStatusCode.BadRequest);
        await AssertProblemAsync(nul, HttpStatusCode.BadRequest);
        await AssertProblemAsync(auditForDigest, HttpStatusCode.BadRequest);
        var entries = await RunsAsync("announce");
        Assert.Equal(before.Count + 2, entries.Count);
        Assert.Contains(id.ToString("D"), entries[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_job_is_404_and_an_anonymous_caller_401_and_nothing_runs()
    {
        var before = await fixture.DbAsync(db => db.AuditTrail.CountAsync(e => e.SubjectType == "Job"));

        await AssertProblemAsync(await Lead.PostAsync(new Uri("/api/v1/jobs/reboot/run", UriKind.Relative), null), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Lead.PostAsync(new Uri("/api/v1/jobs/chase%20now/run", UriKind.Relative), null), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Lead.PostAsync(new Uri($"/api/v1/jobs/{new string('x', 500)}/run", UriKind.Relative), null), HttpStatusCode.NotFound);
        await AssertProblemAsync(await fixture.Anonymous.PostAsync(new Uri("/api/v1/jobs/digest/run", UriKind.Relative), null), HttpStatusCode.Unauthorized);

        Assert.Equal(before, await fixture.DbAsync(db => db.AuditTrail.CountAsync(e => e.SubjectType == "Job")));
    }

    [Fact]
    public async Task A_past_due_date_is_422_until_confirmed_then_the_task_is_created_overdue()
    {
        var code = await ControlAsync();
        var owner = $"{code.ToLowerInvariant()}@example.com";
        var past = Today.AddDays(-30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var refused = await Lead.PostAsJsonAsync("/api/v1/tasks", new { control = code, ownerEmail = owner, dueDate = past });
        var problem = await AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("allowOverdue", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await TasksOfAsync(code));

        var created = await Lead.PostAsJsonAsync("/api/v1/tasks", new { control = code, ownerEmail = owner, dueDate = past, allowOverdue = true });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(past, (await Json(created)).GetProperty("dueDate").GetString());
        await AssertProblemAsync(await Lead.PostAsJsonAsync("/api/v1/tasks", new { control = code, ownerEmail = owner, dueDate = "1999-01-01", allowOverdue = true }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_csv_import_of_overdue_tasks_needs_allowOverdue()
    {
        var code = await ControlAsync();
        var past = Today.AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var csv = $"control,owner_email,due_date,title\n{code},{code.ToLowerInvariant()}@example.com,{past},Last quarter's review\n";

        var refused = await Lead.PostAsync(new Uri("/api/v1/tasks/import", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));
        var errors = (await AssertProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Contains("allowOverdue=true", errors.GetProperty("line 2, due_date")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await TasksOfAsync(code));

        var imported = await Json(await Lead.PostAsync(new Uri("/api/v1/tasks/import?allowOverdue=true", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv")));

        Assert.True(imported.GetProperty("imported").GetBoolean());
        Assert.Equal(1, await TasksOfAsync(code));
    }

    [Fact]
    public async Task A_lead_moves_a_due_date_and_bad_requests_change_nothing()
    {
        var code = await ControlAsync();
        var task = await Json(await Lead.PostAsJsonAsync("/api/v1/tasks", new { control = code, ownerEmail = $"{code.ToLowerInvariant()}@example.com", dueDate = "2035-01-15" }));
        var id = task.GetProperty("id").GetGuid();
        var path = $"/api/v1/tasks/{id}/due-date";

        var moved = await Json(await Lead.PostAsJsonAsync(path, new { dueDate = "2035-03-01", reason = "fieldwork moved" }));
        Assert.Equal("2035-03-01", moved.GetProperty("dueDate").GetString());
        var entry = await fixture.DbAsync(db => db.AuditTrail.AsNoTracking().SingleAsync(e => e.SubjectId == id.ToString("D") && e.Action == "task.due_date_changed"));
        Assert.Equal(("api:apikey:test", "fieldwork moved"), (entry.Actor, entry.Reason));
        Assert.Contains("2035-01-15", entry.Before, StringComparison.Ordinal);
        Assert.Contains("2035-03-01", entry.After, StringComparison.Ordinal);

        await AssertProblemAsync(await Lead.PostAsJsonAsync(path, new { dueDate = "2001-01-01" }), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await Lead.PostAsJsonAsync(path, new { dueDate = "2099-01-01" }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await Lead.PostAsJsonAsync(path, new { }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await Lead.PostAsync(new Uri(path, UriKind.Relative), new StringContent("""{"dueDate":"2035-13-45"}""", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await Lead.PostAsync(new Uri(path, UriKind.Relative), new StringContent("""{"dueDate":"2035-04-01","reason":"a\u0000b"}""", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await Lead.PostAsJsonAsync($"/api/v1/tasks/{Guid.NewGuid()}/due-date", new { dueDate = "2035-04-01" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await fixture.Anonymous.PostAsJsonAsync(path, new { dueDate = "2035-04-01" }), HttpStatusCode.Unauthorized);
        Assert.Equal("2035-03-01", (await Json(await Lead.GetAsync(new Uri($"/api/v1/tasks/{id}", UriKind.Relative)))).GetProperty("dueDate").GetString());
        Assert.Equal(1, await fixture.DbAsync(db => db.AuditTrail.CountAsync(e => e.SubjectId == id.ToString("D") && e.Action == "task.due_date_changed")));
    }

    private Task<List<Core.Domain.AuditTrailEntry>> RunsAsync(string job) =>
        fixture.DbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.Action == "job.run" && e.SubjectId == job).OrderBy(e => e.Sequence).ToListAsync());

    private Task<int> TasksOfAsync(string code) => fixture.DbAsync(db => db.EvidenceTasks.CountAsync(t => t.Control!.Code == code));

    private async Task<string> ControlAsync()
    {
        var code = $"ACT-{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        Assert.Equal(HttpStatusCode.Created, (await Lead.PostAsJsonAsync("/api/v1/controls", new { code, title = "Onboarded control", frequency = "on-demand" })).StatusCode);
        return code;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
