using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using static ChatCompliance.Tests.AdminApi.Problems;

namespace ChatCompliance.Tests.AdminApi;

public sealed class SqliteCsvBadInputTests(SqliteAdminApiFixture fixture) : CsvBadInputTests(fixture), IClassFixture<SqliteAdminApiFixture>;

public sealed class PostgresCsvBadInputTests(PostgresAdminApiFixture fixture) : CsvBadInputTests(fixture), IClassFixture<PostgresAdminApiFixture>;

/// <summary>
/// The CSV doors (controls, tasks, access-review accounts) refuse a NUL, half a character and a date decades away with a
/// 400 that says why, on SQLite and on PostgreSQL (whose text refuses U+0000), and store nothing.
/// </summary>
public abstract class CsvBadInputTests(AdminApiFixture fixture)
{
    private const string Control = "CSV-BAD-1";
    private static readonly byte[] LoneSurrogate = [0xED, 0xA0, 0x80]; // U+D800 as UTF-8 would write it, were it allowed

    public static TheoryData<string, string, byte[]> Doors => new()
    {
        { "a NUL in a control's title", "/api/v1/controls/import", Utf8("control_id,title,frequency\nCSV-NUL-1,Back\0ups,monthly\n") },
        { "half a character in a control's title", "/api/v1/controls/import", [.. Utf8("control_id,title,frequency\nCSV-SUR-1,Back"), .. LoneSurrogate, .. Utf8("ups,monthly\n")] },
        { "a NUL in a task's title", "/api/v1/tasks/import", Utf8($"control,owner_email,due_date,title\n{Control},nul-owner@example.com,2030-03-01,Sam\0ple\n") },
        { "half a character in a task's title", "/api/v1/tasks/import", [.. Utf8($"control,owner_email,due_date,title\n{Control},sur-owner@example.com,2030-03-01,Sam"), .. LoneSurrogate, .. Utf8("ple\n")] },
        { "a task due in the year 9999", "/api/v1/tasks/import", Utf8($"control,owner_email,due_date,title\n{Control},far-owner@example.com,9999-01-01,Far away\n") },
        { "a NUL in an account's name", "/api/v1/reviews/csv?name=CSV%20bad&system=Payroll&dueDate=2030-01-31&ownerEmail=csv-owner@example.com", Utf8("account_id,display_name,access\na1,An\0n,admin\n") },
        { "half a character in an account's name", "/api/v1/reviews/csv?name=CSV%20bad&system=Payroll&dueDate=2030-01-31&ownerEmail=csv-owner@example.com", [.. Utf8("account_id,display_name,access\na1,An"), .. LoneSurrogate, .. Utf8("n,admin\n")] },
        { "a review due in the year 9999", "/api/v1/reviews/csv?name=CSV%20bad&system=Payroll&dueDate=9999-01-31&ownerEmail=csv-owner@example.com", Utf8("account_id,display_name,access\na1,Ann,admin\n") },
    };

    [Theory]
    [MemberData(nameof(Doors))]
    public async Task Bad_text_and_absurd_dates_in_a_csv_upload_get_400_with_a_reason_and_nothing_is_stored(string why, string path, byte[] body)
    {
        if (!await fixture.DbAsync(db => db.Controls.AnyAsync(c => c.Code == Control)))
        {
            Assert.Equal(HttpStatusCode.Created, (await fixture.Lead.PostAsJsonAsync("/api/v1/controls", new { code = Control, title = "Bad input", frequency = "on-demand" })).StatusCode);
        }

        var before = await CountsAsync();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");

        var response = await fixture.Lead.PostAsync(new Uri(path, UriKind.Relative), content);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrWhiteSpace(problem.ToString()), why);
        Assert.Equal(before, await CountsAsync());
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private Task<(int Controls, int Tasks, int Campaigns, int People, int Trail)> CountsAsync() => fixture.DbAsync(async db =>
        (await db.Controls.CountAsync(), await db.EvidenceTasks.CountAsync(), await db.AccessReviewCampaigns.CountAsync(), await db.People.CountAsync(), await db.AuditTrail.CountAsync()));
}
