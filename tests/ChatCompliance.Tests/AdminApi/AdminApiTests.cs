using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Controls;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static ChatCompliance.Tests.AdminApi.Problems;

namespace ChatCompliance.Tests.AdminApi;

[Collection(AppCollection.Name)]
public sealed class SqliteAdminApiTests(SqliteAdminApiFixture fixture) : AdminApiTests(fixture), IClassFixture<SqliteAdminApiFixture>;

[Collection(AppCollection.Name)]
public sealed class PostgresAdminApiTests(PostgresAdminApiFixture fixture) : AdminApiTests(fixture), IClassFixture<PostgresAdminApiFixture>;

/// <summary>The admin API over HTTP with API keys, on each store. Tests share one app per class, so each uses its own ids.</summary>
public abstract class AdminApiTests(AdminApiFixture fixture)
{
    private HttpClient Admin => fixture.Admin;

    private HttpClient Lead => fixture.Lead;

    [Fact]
    public async Task Controls_are_created_read_updated_listed_and_deleted()
    {
        var code = Unique("AC");
        var owner = await CreatePersonAsync();

        var created = await Lead.PostAsJsonAsync("/api/v1/controls", new
        {
            code, title = "Access review", soc2Refs = new[] { "cc6.2", "SOC2:CC6.3" }, iso27001Refs = new[] { "a.5.18", "9.2" },
            ownerId = owner, evidenceDescription = "Signed export", frequency = "quarterly",
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var control = await Json(created);
        var id = control.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/controls/{id}", created.Headers.Location?.ToString());
        Assert.Equal(["CC6.2", "CC6.3"], Strings(control, "soc2Refs"));
        Assert.Equal(["A.5.18", "9.2"], Strings(control, "iso27001Refs"));
        Assert.Equal("quarterly", control.GetProperty("frequency").GetString());
        Assert.True(await fixture.DbAsync(async db => (await db.People.SingleAsync(p => p.Id == owner)).Has(PersonRoles.ControlOwner)));

        var updated = await Lead.PutAsJsonAsync($"/api/v1/controls/{id}", new { code, title = "Monthly access review", frequency = "monthly" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var read = await Json(await Lead.GetAsync(new Uri($"/api/v1/controls/{id}", UriKind.Relative)));
        Assert.Equal("Monthly access review", read.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("ownerId").ValueKind);
        Assert.Contains(code, (await Lead.GetStringAsync(new Uri("/api/v1/controls", UriKind.Relative))), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await Lead.DeleteAsync(new Uri($"/api/v1/controls/{id}", UriKind.Relative))).StatusCode);
        await AssertProblemAsync(await Lead.GetAsync(new Uri($"/api/v1/controls/{id}", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_invalid_control_gets_400_naming_each_field_and_nothing_is_stored()
    {
        var code = Unique("BAD");

        var errors = await AssertValidationProblemAsync(await Lead.PostAsJsonAsync("/api/v1/controls", new
        {
            code, title = " ", soc2Refs = new[] { "CC9.9" }, iso27001Refs = new[] { "A.5.18", "CC6.1" }, ownerId = Guid.NewGuid(), frequency = "weekly",
        }));

        Assert.Equal(["frequency", "iso27001Refs", "ownerId", "soc2Refs", "title"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["unknown SOC 2 criterion 'CC9.9'"], errors["soc2Refs"]);
        Assert.StartsWith("'CC6.1' is a SOC 2 criterion", Assert.Single(errors["iso27001Refs"]), StringComparison.Ordinal);
        Assert.False(await fixture.DbAsync(db => db.Controls.AnyAsync(c => c.Code == code)));
    }

    [Fact]
    public async Task A_second_control_with_the_same_id_in_any_case_gets_409()
    {
        var code = Unique("DUP");
        Assert.Equal(HttpStatusCode.Created, (await Lead.PostAsJsonAsync("/api/v1/controls", new { code, title = "First", frequency = "annual" })).StatusCode);

        var problem = await AssertProblemAsync(
            await Lead.PostAsJsonAsync("/api/v1/controls", new { code = code.ToLowerInvariant(), title = "Second", frequency = "annual" }), HttpStatusCode.Conflict);

        Assert.Contains(code.ToLowerInvariant(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_control_with_evidence_tasks_cannot_be_deleted()
    {
        var created = await Json(await Lead.PostAsJsonAsync("/api/v1/controls", new { code = Unique("TSK"), title = "Has tasks", frequency = "monthly" }));
        var id = created.GetProperty("id").GetGuid();
        var owner = await CreatePersonAsync();
        await fixture.DbAsync(db =>
        {
            db.EvidenceTasks.Add(new EvidenceTask { ControlId = id, OwnerId = owner, Title = "Q1 evidence", DueDate = new DateOnly(2027, 1, 15), CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync();
        });

        await AssertProblemAsync(await Lead.DeleteAsync(new Uri($"/api/v1/controls/{id}", UriKind.Relative)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Unknown_ids_and_routes_get_404_problems()
    {
        var id = Guid.NewGuid();

        await AssertProblemAsync(await Lead.GetAsync(new Uri($"/api/v1/controls/{id}", UriKind.Relative)), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Lead.PutAsJsonAsync($"/api/v1/audits/{id}", new { kind = "soc2-type1", name = "x", startsOn = "2027-01-01" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Lead.GetAsync(new Uri($"/api/v1/people/{id}", UriKind.Relative)), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Admin.DeleteAsync(new Uri($"/api/v1/apikeys/{id}", UriKind.Relative)), HttpStatusCode.NotFound);
        await AssertProblemAsync(await Lead.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Malformed_json_wrong_types_and_wrong_content_types_get_problems_that_say_why()
    {
        using var broken = new StringContent("{\"code\": \"X\", \"title\": ", Encoding.UTF8, "application/json");
        var malformed = await AssertProblemAsync(await Lead.PostAsync(new Uri("/api/v1/controls", UriKind.Relative), broken), HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", malformed.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var wrongType = new StringContent("{\"kind\": \"soc2-type1\", \"name\": \"x\", \"startsOn\": \"next tuesday\"}", Encoding.UTF8, "application/json");
        var date = await AssertProblemAsync(await Lead.PostAsync(new Uri("/api/v1/audits", UriKind.Relative), wrongType), HttpStatusCode.BadRequest);
        Assert.Contains("$.startsOn", date.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var text = new StringContent("code=X", Encoding.UTF8, "text/plain");
        await AssertProblemAsync(await Lead.PostAsync(new Uri("/api/v1/controls", UriKind.Relative), text), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        using var huge = new ByteArrayContent(new byte[(4 * 1024 * 1024) + 1]);
        huge.Headers.ContentType = new("text/csv");

        await AssertProblemAsync(await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), huge), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Csv_import_dry_run_reports_then_the_import_writes_and_the_export_gives_it_back()
    {
        var file = ControlRegisterTests.GoodFile.Replace("-01,", $"-{Guid.NewGuid():N}"[..9] + ",", StringComparison.Ordinal);

        var dryRun = await Json(await Lead.PostAsync(new Uri("/api/v1/controls/import?dryRun=true", UriKind.Relative), Csv(file)));
        Assert.True(dryRun.GetProperty("valid").GetBoolean());
        Assert.False(dryRun.GetProperty("imported").GetBoolean());
        Assert.Equal(4, dryRun.GetProperty("created").GetArrayLength());
        var codes = Strings(dryRun, "created");
        Assert.False(await fixture.DbAsync(db => db.Controls.AnyAsync(c => codes.Contains(c.Code))));

        var imported = await Json(await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), Csv(file)));
        Assert.True(imported.GetProperty("imported").GetBoolean());
        Assert.Equal(4, await fixture.DbAsync(db => db.Controls.CountAsync(c => codes.Contains(c.Code))));

        var export = await Lead.GetAsync(new Uri("/api/v1/controls/export", UriKind.Relative));
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var exported = await export.Content.ReadAsStringAsync();
        Assert.StartsWith("control_id,title,soc2_refs,iso27001_refs,owner_email,evidence_description,frequency\r\n", exported, StringComparison.Ordinal);
        Assert.Contains(file.Split("\r\n", 2)[1].Split("\r\nIR-")[0], exported, StringComparison.Ordinal);
        var again = await Json(await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), Csv(exported)));
        Assert.Equal(0, again.GetProperty("created").GetArrayLength() + again.GetProperty("updated").GetArrayLength());
    }

    [Fact]
    public async Task A_csv_import_with_bad_rows_gets_400_listing_every_row_and_imports_nothing()
    {
        var code = Unique("CSV");
        var file = $"control_id,title,soc2_refs,iso27001_refs,owner_email,evidence_description,frequency\n{code},Fine,CC6.1,,,,annual\n{code}-2,,CC9.9,,bob@,,yearly\n";

        var dryRun = await Json(await Lead.PostAsync(new Uri("/api/v1/controls/import?dryRun=true", UriKind.Relative), Csv(file)));
        var response = await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), Csv(file));

        Assert.False(dryRun.GetProperty("valid").GetBoolean());
        Assert.Equal(4, dryRun.GetProperty("errors").GetArrayLength());
        var errors = await AssertValidationProblemAsync(response);
        Assert.Equal(["line 3, frequency", "line 3, owner_email", "line 3, soc2_refs", "line 3, title"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["unknown SOC 2 criterion 'CC9.9'"], errors["line 3, soc2_refs"]);
        Assert.False(await fixture.DbAsync(db => db.Controls.AnyAsync(c => c.Code == code)));

        using var json = JsonContent.Create(new { file });
        await AssertProblemAsync(await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), json), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task People_are_created_with_roles_ids_manager_and_time_zone_then_updated_and_found_by_email()
    {
        var manager = await CreatePersonAsync();
        var email = $"{Unique("p").ToLowerInvariant()}@example.com";

        var created = await Admin.PostAsJsonAsync("/api/v1/people", new
        {
            email = email.ToUpperInvariant(), displayName = "Pat", timeZone = "Europe/Berlin", roles = new[] { "employee", "Reviewer", "ComplianceLead" },
            teamsUserId = "29:1abc", entraObjectId = "0000AAAA-0000-0000-0000-0000000000A1", slackUserId = "U012AB3CD", slackTeamId = "T0001", managerId = manager,
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var person = await Json(created);
        var id = person.GetProperty("id").GetGuid();
        Assert.Equal(email, person.GetProperty("email").GetString());
        Assert.Equal(["Employee", "Reviewer", "ComplianceLead"], Strings(person, "roles"));
        Assert.Equal("0000aaaa-0000-0000-0000-0000000000a1", person.GetProperty("entraObjectId").GetString());

        var updated = await Json(await Admin.PutAsJsonAsync($"/api/v1/people/{id}", new { email, displayName = "Pat Smith", timeZone = "America/New_York", roles = new[] { "Admin" }, isActive = false }));
        Assert.Equal("Pat Smith", updated.GetProperty("displayName").GetString());
        Assert.Equal(["Admin"], Strings(updated, "roles"));
        Assert.False(updated.GetProperty("isActive").GetBoolean());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("managerId").ValueKind);

        var found = await Json(await Lead.GetAsync(new Uri($"/api/v1/people?email={Uri.EscapeDataString(email.ToUpperInvariant())}", UriKind.Relative)));
        Assert.Equal(id, Assert.Single(found.EnumerateArray()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task An_invalid_person_gets_400_naming_each_field_and_a_taken_email_gets_409()
    {
        var errors = await AssertValidationProblemAsync(await Admin.PostAsJsonAsync("/api/v1/people", new
        {
            email = "not an email", displayName = "", timeZone = "W. Europe Standard Time", roles = new[] { "Boss" },
            teamsUserId = "someone", entraObjectId = "x", slackUserId = "alice", managerId = Guid.NewGuid(),
        }));
        Assert.Equal(["displayName", "email", "entraObjectId", "managerId", "roles", "slackUserId", "teamsUserId", "timeZone"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("IANA", errors["timeZone"][0], StringComparison.Ordinal);

        var taken = await CreatePersonAsync();
        var email = await fixture.DbAsync(async db => (await db.People.SingleAsync(p => p.Id == taken)).Email);
        await AssertProblemAsync(await Admin.PostAsJsonAsync("/api/v1/people", new { email, displayName = "Twin" }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_manager_chain_cannot_loop()
    {
        var top = await CreatePersonAsync();
        var middle = await CreatePersonAsync(manager: top);

        var self = await AssertValidationProblemAsync(await Admin.PutAsJsonAsync($"/api/v1/people/{top}", new { email = $"{Unique("t")}@example.com", displayName = "Top", managerId = top }));
        var loop = await AssertValidationProblemAsync(await Admin.PutAsJsonAsync($"/api/v1/people/{top}", new { email = $"{Unique("t")}@example.com", displayName = "Top", managerId = middle }));

        Assert.Contains("loop", self["managerId"][0], StringComparison.Ordinal);
        Assert.Contains("loop", loop["managerId"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audits_are_created_read_updated_listed_and_deleted()
    {
        var created = await Lead.PostAsJsonAsync("/api/v1/audits", new
        {
            kind = "soc2-type2", name = Unique("FY27 SOC 2"), startsOn = "2027-03-01", endsOn = "2027-03-20", periodStart = "2026-03-01", periodEnd = "2027-02-28",
            fieldworkStart = "2027-03-01", fieldworkEnd = "2027-03-20", auditor = "Example CPA LLP",
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var audit = await Json(created);
        var id = audit.GetProperty("id").GetGuid();
        Assert.Equal("soc2", audit.GetProperty("framework").GetString());
        Assert.Equal("2026-03-01", audit.GetProperty("periodStart").GetString());

        var updated = await Json(await Lead.PutAsJsonAsync($"/api/v1/audits/{id}", new { kind = "iso27001-surveillance", name = "Surveillance 1", startsOn = "2027-06-01", certificateExpiresOn = "2029-05-31" }));
        Assert.Equal("iso27001", updated.GetProperty("framework").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("periodStart").ValueKind);
        Assert.Contains("Surveillance 1", await Lead.GetStringAsync(new Uri("/api/v1/audits", UriKind.Relative)), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await Lead.DeleteAsync(new Uri($"/api/v1/audits/{id}", UriKind.Relative))).StatusCode);
        await AssertProblemAsync(await Lead.GetAsync(new Uri($"/api/v1/audits/{id}", UriKind.Relative)), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_audit_that_does_not_fit_its_kind_gets_400_naming_each_field()
    {
        var type2 = await AssertValidationProblemAsync(await Lead.PostAsJsonAsync("/api/v1/audits", new { kind = "soc2-type2", framework = "iso27001", name = "x", startsOn = "2027-03-01", endsOn = "2027-02-01", certificateExpiresOn = "2030-01-01" }));
        var iso = await AssertValidationProblemAsync(await Lead.PostAsJsonAsync("/api/v1/audits", new { kind = "iso27001-stage2", name = "", periodStart = "2026-01-01", periodEnd = "2026-12-31" }));
        var unknown = await AssertValidationProblemAsync(await Lead.PostAsJsonAsync("/api/v1/audits", new { kind = "soc3", name = "x", startsOn = "2027-01-01" }));

        Assert.Equal(["certificateExpiresOn", "endsOn", "framework", "periodEnd", "periodStart"], type2.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["name", "periodStart", "startsOn"], iso.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["kind"], unknown.Keys);
    }

    [Fact]
    public async Task Api_keys_are_made_shown_once_listed_without_secrets_and_revoked()
    {
        var created = await Admin.PostAsJsonAsync("/api/v1/apikeys", new { name = "grc-sync", role = "lead" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await Json(created);
        var token = key.GetProperty("key").GetString()!;
        Assert.StartsWith("cck_", token, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await fixture.WithToken(token).GetAsync(new Uri("/api/v1/controls", UriKind.Relative))).StatusCode);

        var list = await Admin.GetStringAsync(new Uri("/api/v1/apikeys", UriKind.Relative));
        Assert.Contains("grc-sync", list, StringComparison.Ordinal);
        Assert.DoesNotContain(token[37..], list, StringComparison.Ordinal);

        var revoked = await Json(await Admin.DeleteAsync(new Uri($"/api/v1/apikeys/{key.GetProperty("id").GetGuid()}", UriKind.Relative)));
        Assert.NotEqual(JsonValueKind.Null, revoked.GetProperty("revokedAt").ValueKind);
        await AssertProblemAsync(await fixture.WithToken(token).GetAsync(new Uri("/api/v1/controls", UriKind.Relative)), HttpStatusCode.Unauthorized);
        await AssertValidationProblemAsync(await Admin.PostAsJsonAsync("/api/v1/apikeys", new { name = "", role = "root" }));
    }

    [Fact]
    public async Task The_openapi_document_is_served_and_describes_the_routes_and_the_bearer_scheme()
    {
        var response = await fixture.Anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await Json(response);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/controls", "/api/v1/controls/{id}", "/api/v1/controls/import", "/api/v1/controls/export", "/api/v1/people", "/api/v1/people/{id}", "/api/v1/audits", "/api/v1/audits/{id}", "/api/v1/apikeys" })
        {
            Assert.Contains(path, paths);
        }

        Assert.DoesNotContain("/api/messages", paths);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.True(document.GetProperty("security")[0].TryGetProperty("Bearer", out _));
    }

    [Fact]
    public async Task Without_jwt_settings_a_jwt_gets_401_and_an_api_key_works()
    {
        using var entra = new EntraFakes();

        var jwt = await fixture.WithToken(entra.Token(["Compliance.Admin"])).GetAsync(new Uri("/api/v1/controls", UriKind.Relative));
        var key = await Admin.GetAsync(new Uri("/api/v1/controls", UriKind.Relative));

        await AssertProblemAsync(jwt, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, key.StatusCode);
    }

    [Fact]
    public async Task Evidence_tasks_are_assigned_listed_and_read_and_the_assignment_is_audited()
    {
        var code = Unique("EV");
        await Json(await Lead.PostAsJsonAsync("/api/v1/controls", new { code, title = "Backups tested", soc2Refs = new[] { "A1.2" }, evidenceDescription = "Restore test record", frequency = "on-demand" }));
        var owner = $"{Unique("owner").ToLowerInvariant()}@example.com";

        var response = await Lead.PostAsJsonAsync("/api/v1/tasks", new { control = code, ownerEmail = owner, dueDate = "2035-01-15", title = "Q1 restore test" });

        var task = await Json(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = task.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/tasks/{id}", response.Headers.Location?.ToString());
        Assert.Equal(code, task.GetProperty("controlCode").GetString());
        Assert.Equal(owner, task.GetProperty("ownerEmail").GetString());
        Assert.Equal("open", task.GetProperty("status").GetString());
        Assert.Equal("Q1 restore test", (await Json(await Lead.GetAsync(new Uri($"/api/v1/tasks/{id}", UriKind.Relative)))).GetProperty("title").GetString());
        var listed = await Json(await Lead.GetAsync(new Uri($"/api/v1/tasks?owner={owner}&status=open", UriKind.Relative)));
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetGuid());
        var entry = await fixture.DbAsync(db => db.AuditTrail.SingleAsync(e => e.SubjectId == id.ToString()));
        Assert.Equal("task.created", entry.Action);
        Assert.StartsWith("api:", entry.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_task_gets_400_naming_each_field_and_nothing_is_stored()
    {
        var before = await fixture.DbAsync(db => db.EvidenceTasks.CountAsync());

        var missing = await Lead.PostAsJsonAsync("/api/v1/tasks", new { ownerEmail = "not-an-email", dueDate = "2001-01-01" });
        var unknownControl = await Lead.PostAsJsonAsync("/api/v1/tasks", new { control = "CC9.9", ownerEmail = "someone@example.com", dueDate = "2035-01-01" });

        var problem = await AssertProblemAsync(missing, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("control", out _));
        Assert.True(errors.TryGetProperty("ownerEmail", out _));
        Assert.True(errors.TryGetProperty("dueDate", out _));
        Assert.Contains("CC9.9", (await AssertProblemAsync(unknownControl, HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("control")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.DbAsync(db => db.EvidenceTasks.CountAsync()));
        await AssertProblemAsync(await fixture.Anonymous.PostAsJsonAsync("/api/v1/tasks", new { control = "x" }), HttpStatusCode.Unauthorized);
    }

    public static TheoryData<string, string, string> Unstorable => new()
    {
        { "a NUL in a control's title", "/api/v1/controls", """{"code":"NUL-1","title":"Back\u0000ups","frequency":"monthly"}""" },
        { "a lone surrogate in a control's title", "/api/v1/controls", """{"code":"SUR-1","title":"Back\ud800ups","frequency":"monthly"}""" },
        { "a NUL in a control's evidence description", "/api/v1/controls", """{"code":"NUL-2","title":"Backups","evidenceDescription":"a\u0000b","frequency":"monthly"}""" },
        { "a NUL in a person's name", "/api/v1/people", """{"email":"nul@example.com","displayName":"Nu\u0000ll","roles":["Employee"]}""" },
        { "an oversized person's name", "/api/v1/people", $$"""{"email":"long@example.com","displayName":"{{new string('x', 5000)}}","roles":["Employee"]}""" },
        { "an audit in the year 9999", "/api/v1/audits", """{"kind":"soc2-type1","name":"Far away","startsOn":"9999-01-01"}""" },
        { "an audit before 2000", "/api/v1/audits", """{"kind":"soc2-type1","name":"Long ago","startsOn":"1999-12-31"}""" },
        { "an audit named with a NUL", "/api/v1/audits", """{"kind":"soc2-type1","name":"SOC\u0000 2","startsOn":"2027-03-01"}""" },
        { "a task due in the year 2099", "/api/v1/tasks", """{"control":"CC6.1","ownerEmail":"far@example.com","dueDate":"2099-01-15"}""" },
    };

    [Theory]
    [MemberData(nameof(Unstorable))]
    public async Task Text_no_store_can_keep_and_absurd_dates_get_400_with_a_reason_and_nothing_is_stored(string why, string path, string json)
    {
        var before = await fixture.DbAsync(async db => (await db.Controls.CountAsync(), await db.People.CountAsync(), await db.Audits.CountAsync(), await db.EvidenceTasks.CountAsync()));

        var response = await fixture.Admin.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await fixture.DbAsync(async db => (await db.Controls.CountAsync(), await db.People.CountAsync(), await db.Audits.CountAsync(), await db.EvidenceTasks.CountAsync())));
    }

    [Fact]
    public async Task Tasks_import_from_csv_all_or_nothing_with_every_bad_row_named()
    {
        var code = Unique("IMP");
        await Json(await Lead.PostAsJsonAsync("/api/v1/controls", new { code, title = "Change approvals", frequency = "on-demand" }));
        var owner = $"{Unique("imp").ToLowerInvariant()}@example.com";
        var before = await fixture.DbAsync(db => db.EvidenceTasks.CountAsync());
        var bad = $"control,owner_email,due_date,title\n{code},{owner},2035-03-01,Sample of changes\nCC9.9,{owner},2035-03-01,x\n{code},not-an-email,2001-01-01,y\n";

        var refused = await Lead.PostAsync(new Uri("/api/v1/tasks/import", UriKind.Relative), Csv(bad));
        var dryRun = await Json(await Lead.PostAsync(new Uri("/api/v1/tasks/import?dryRun=true", UriKind.Relative), Csv(bad)));

        var errors = (await AssertProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("line 3, control", out _));
        Assert.True(errors.TryGetProperty("line 4, owner_email", out _));
        Assert.True(errors.TryGetProperty("line 4, due_date", out _));
        Assert.Equal(3, dryRun.GetProperty("errors").GetArrayLength());
        Assert.Equal(before, await fixture.DbAsync(db => db.EvidenceTasks.CountAsync()));

        var good = $"control,owner_email,due_date,title,period_start,period_end\n{code},{owner},2035-03-01,Sample of changes,2035-01-01,2035-02-28\n{code},{owner},2035-04-01,Emergency changes,,\n";
        var imported = await Json(await Lead.PostAsync(new Uri("/api/v1/tasks/import", UriKind.Relative), Csv(good)));

        Assert.True(imported.GetProperty("imported").GetBoolean());
        Assert.Equal(["Emergency changes", "Sample of changes"], imported.GetProperty("created").EnumerateArray().Select(t => t.GetProperty("title").GetString()!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(before + 2, await fixture.DbAsync(db => db.EvidenceTasks.CountAsync()));
        var ids = imported.GetProperty("created").EnumerateArray().Select(t => t.GetProperty("id").GetGuid().ToString()).ToList();
        Assert.Equal(2, await fixture.DbAsync(db => db.AuditTrail.CountAsync(e => ids.Contains(e.SubjectId) && e.Action == "task.created")));
    }

    [Fact]
    public async Task Generating_creates_this_periods_task_for_each_control_with_a_frequency_once()
    {
        var code = Unique("GEN");
        var owner = await CreatePersonAsync();
        Assert.Equal(HttpStatusCode.Created, (await Lead.PostAsJsonAsync("/api/v1/controls", new { code, title = "Vulnerability scan review", ownerId = owner, frequency = "monthly" })).StatusCode);

        var first = await Json(await Lead.PostAsync(new Uri("/api/v1/tasks/generate", UriKind.Relative), null));
        var second = await Json(await Lead.PostAsync(new Uri("/api/v1/tasks/generate", UriKind.Relative), null));

        var task = Assert.Single(first.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("controlCode").GetString() == code);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(new DateOnly(today.Year, today.Month, 1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), task.GetProperty("periodStart").GetString());
        Assert.DoesNotContain(second.GetProperty("tasks").EnumerateArray(), t => t.GetProperty("controlCode").GetString() == code);
    }

    [Fact]
    public async Task Each_control_change_through_the_api_leaves_one_entry_with_before_and_after()
    {
        var code = Unique("AC");
        var id = (await Json(await Lead.PostAsJsonAsync("/api/v1/controls", new { code, title = "Access review", soc2Refs = new[] { "CC6.2" }, frequency = "annual" })))
            .GetProperty("id").GetGuid();
        await Json(await Lead.PutAsJsonAsync($"/api/v1/controls/{id}", new { code, title = "Access review", soc2Refs = new[] { "CC6.3" }, frequency = "annual" }));
        Assert.Equal(HttpStatusCode.NoContent, (await Lead.DeleteAsync(new Uri($"/api/v1/controls/{id}", UriKind.Relative))).StatusCode);

        var entries = await EntriesAsync(id);

        Assert.Equal(["control.created", "control.updated", "control.deleted"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((Platform.Api, "api:apikey:test", "Control"), (e.Platform, e.Actor, e.SubjectType)));
        Assert.Null(entries[0].Before);
        Assert.Equal(["CC6.2"], Strings(JsonDocument.Parse(entries[1].Before!).RootElement, "soc2Refs"));
        Assert.Equal(["CC6.3"], Strings(JsonDocument.Parse(entries[1].After!).RootElement, "soc2Refs"));
        Assert.Equal((entries[1].After, (string?)null), (entries[2].Before, entries[2].After));
    }

    [Fact]
    public async Task Giving_a_person_a_role_through_the_api_is_audited_with_before_and_after()
    {
        var email = $"{Unique("role").ToLowerInvariant()}@example.com";
        var id = (await Json(await Admin.PostAsJsonAsync("/api/v1/people", new { email, displayName = "Rolf" }))).GetProperty("id").GetGuid();

        await Json(await Admin.PutAsJsonAsync($"/api/v1/people/{id}", new { email, displayName = "Rolf", roles = new[] { "Employee", "ComplianceLead" } }));

        var entries = await EntriesAsync(id);
        Assert.Equal(["person.created", "person.updated"], entries.Select(e => e.Action));
        Assert.Equal(("Employee", "Employee, ComplianceLead", "roles changed"), (
            JsonDocument.Parse(entries[1].Before!).RootElement.GetProperty("roles").GetString(),
            JsonDocument.Parse(entries[1].After!).RootElement.GetProperty("roles").GetString(), entries[1].Reason));
        Assert.Equal("api:apikey:test", entries[1].Actor);
    }

    [Fact]
    public async Task Making_and_revoking_an_api_key_is_audited_without_its_secret()
    {
        var made = await Json(await Admin.PostAsJsonAsync("/api/v1/apikeys", new { name = Unique("ci"), role = "lead" }));
        var id = made.GetProperty("id").GetGuid();
        await Json(await Admin.DeleteAsync(new Uri($"/api/v1/apikeys/{id}", UriKind.Relative)));

        var entries = await EntriesAsync(id);

        Assert.Equal(["apikey.created", "apikey.revoked"], entries.Select(e => e.Action));
        var secret = made.GetProperty("key").GetString()!.Split('_')[^1];
        var hash = await fixture.DbAsync(db => db.ApiKeys.Where(k => k.Id == id).Select(k => k.SecretHash).SingleAsync());
        Assert.All(entries, e => Assert.DoesNotContain(secret, e.After!, StringComparison.Ordinal));
        Assert.All(entries, e => Assert.DoesNotContain(hash, e.After!, StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(entries[1].Before!).RootElement.GetProperty("revokedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(entries[1].After!).RootElement.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task Moving_an_audit_date_through_the_api_is_audited_with_before_and_after()
    {
        var name = Unique("ISO surveillance");
        var id = (await Json(await Lead.PostAsJsonAsync("/api/v1/audits", new { kind = "iso27001-surveillance", name, startsOn = "2027-06-01" }))).GetProperty("id").GetGuid();
        await Json(await Lead.PutAsJsonAsync($"/api/v1/audits/{id}", new { kind = "iso27001-surveillance", name, startsOn = "2027-07-01" }));

        var entries = await EntriesAsync(id);

        Assert.Equal(["calendar.audit_added", "calendar.audit_changed"], entries.Select(e => e.Action));
        Assert.Equal(("2027-06-01", "2027-07-01"), (JsonDocument.Parse(entries[1].Before!).RootElement.GetProperty("startsOn").GetString(),
            JsonDocument.Parse(entries[1].After!).RootElement.GetProperty("startsOn").GetString()));
    }

    [Fact]
    public async Task A_csv_import_audits_each_control_it_creates_or_changes_and_nothing_it_leaves_alone()
    {
        // After every control id of the shared register, so the export test still finds its rows together.
        var code = Unique("ZZ");
        const string header = "control_id,title,soc2_refs,iso27001_refs,owner_email,evidence_description,frequency";
        await Json(await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), Csv($"{header}\n{code},Backups,CC7.2,,,,annual\n")));
        await Json(await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), Csv($"{header}\n{code},Backups,CC7.3,,,,annual\n")));
        await Json(await Lead.PostAsync(new Uri("/api/v1/controls/import", UriKind.Relative), Csv($"{header}\n{code},Backups,CC7.3,,,,annual\n")));

        var id = await fixture.DbAsync(db => db.Controls.Where(c => c.Code == code).Select(c => c.Id).SingleAsync());
        var entries = await EntriesAsync(id);

        Assert.Equal(["control.created", "control.updated"], entries.Select(e => e.Action));
        Assert.Equal(("control register import, line 2", Platform.Api), (entries[1].Reason, entries[1].Platform));
        Assert.Contains("CC7.2", entries[1].Before!, StringComparison.Ordinal);
        Assert.Contains("CC7.3", entries[1].After!, StringComparison.Ordinal);
    }

    private Task<List<AuditTrailEntry>> EntriesAsync(Guid subject)
    {
        var id = subject.ToString("D");
        return fixture.DbAsync(db => db.AuditTrail.AsNoTracking().Where(e => e.SubjectId == id).OrderBy(e => e.Sequence).ToListAsync());
    }

    private async Task<Guid> CreatePersonAsync(Guid? manager = null)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/people", new { email = $"{Unique("person").ToLowerInvariant()}@example.com", displayName = "Someone", managerId = manager });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response)).GetProperty("id").GetGuid();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string[] Strings(JsonElement element, string property) => [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
