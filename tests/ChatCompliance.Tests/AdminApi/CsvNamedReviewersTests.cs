using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using static ChatCompliance.Tests.AdminApi.Problems;

namespace ChatCompliance.Tests.AdminApi;

public sealed class SqliteCsvNamedReviewersTests(SqliteAdminApiFixture fixture) : CsvNamedReviewersTests(fixture), IClassFixture<SqliteAdminApiFixture>;

public sealed class PostgresCsvNamedReviewersTests(PostgresAdminApiFixture fixture) : CsvNamedReviewersTests(fixture), IClassFixture<PostgresAdminApiFixture>;

/// <summary>A CSV access review (any system) can share its accounts among named reviewers, as a Graph one can.</summary>
public abstract class CsvNamedReviewersTests(AdminApiFixture fixture)
{
    private const string Accounts = "account_id,display_name,access\nu1,Una,admin\nu2,Udo,read\nu3,Uma,write\nu4,Uli,read\n";

    [Fact]
    public async Task A_csv_review_with_named_reviewers_shares_its_accounts_among_them()
    {
        var system = $"Payroll-{Guid.NewGuid():N}"[..20];
        var response = await PostAsync($"/api/v1/reviews/csv?name={system}&system={system}&dueDate=2030-01-31&reviewers=named&namedReviewers=Nina@example.com,%20nico@example.com");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var campaign = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("named", (string?)campaign["reviewers"]);
        var id = Guid.Parse((string)campaign["id"]!);
        var reviewers = await fixture.DbAsync(db => db.AccessReviewItems.Where(i => i.CampaignId == id)
            .Join(db.People, i => i.ReviewerId, p => p.Id, (i, p) => p.Email).ToListAsync());
        Assert.Equal(4, reviewers.Count);
        Assert.Equal(["nico@example.com", "nina@example.com"], reviewers.Distinct().Order());
    }

    [Theory]
    [InlineData("reviewers=named", "namedReviewers")]
    [InlineData("reviewers=named&namedReviewers=%20,%20", "namedReviewers")]
    [InlineData("reviewers=named&namedReviewers=nina@example.com,not-an-email", "not-an-email")]
    public async Task Named_reviewers_missing_or_not_emails_get_400_and_nothing_is_stored(string query, string named)
    {
        var before = await fixture.DbAsync(db => db.AccessReviewCampaigns.CountAsync());

        var response = await PostAsync($"/api/v1/reviews/csv?name=Bad&system=Bad&dueDate=2030-01-31&{query}");

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(named, problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await fixture.DbAsync(db => db.AccessReviewCampaigns.CountAsync()));
    }

    private Task<HttpResponseMessage> PostAsync(string path)
    {
        var content = new StringContent(Accounts, Encoding.UTF8, "text/csv");
        return fixture.Lead.PostAsync(new Uri(path, UriKind.Relative), content);
    }
}
