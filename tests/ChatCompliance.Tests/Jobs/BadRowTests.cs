using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Reviews;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Jobs;

public sealed class SqliteBadRowTests() : BadRowTests(new SqliteTestStore());

public sealed class PostgresBadRowTests() : BadRowTests(new PostgresTestStore());

/// <summary>
/// A row no code path should have made (a campaign dated in the year 9999, written straight into the store) must not stop
/// a recurring job for everyone else: the job skips it, carries on, and tells the compliance leads once.
/// </summary>
[Collection(AppCollection.Name)]
public abstract class BadRowTests(ITestStore store) : IAsyncLifetime
{
    private ComplianceApp _app = null!;

    public async Task InitializeAsync()
    {
        await store.InitializeAsync();
        _app = store is PostgresTestStore postgres
            ? ComplianceApp.OnPostgres(postgres.ConnectionString)
            : new ComplianceApp(new Dictionary<string, string?>
            {
                ["Storage:DataDirectory"] = Path.GetDirectoryName(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(((SqliteTestStore)store).ConnectionString).DataSource),
                ["Storage:SqliteFileName"] = "test.db",
            });
        _app.CreateClient().Dispose(); // starts the app: the store is migrated
    }

    [Fact]
    public async Task The_recurring_review_job_skips_a_campaign_dated_in_the_year_9999_launches_the_rest_and_tells_the_leads()
    {
        var lead = new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UtcNow };
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var good = Campaign("Quarterly VPN review", today.AddMonths(-4));
        var absurd = Campaign("Broken series", new DateOnly(9999, 12, 1));
        await using (var db = store.NewContext()) // no guard here: the bad row arrives as if by hand
        {
            db.People.Add(lead);
            db.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = "DLEAD", UserId = "ULEAD", TenantId = "T1", PersonId = lead.Id, UpdatedAt = DateTimeOffset.UtcNow });
            db.AccessReviewCampaigns.AddRange(absurd, good);
            await db.SaveChangesAsync();
        }

        for (var run = 0; run < 2; run++)
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ReviewRecurrenceJob>().RunAsync(CancellationToken.None);
        }

        await using (var db = store.NewContext())
        {
            var series = await db.AccessReviewCampaigns.Where(c => c.SeriesId == good.Id).ToListAsync();
            Assert.Equal(good.PeriodStart.AddMonths(3), Assert.Single(series).PeriodStart); // the good series went ahead, once
            Assert.Empty(await db.AccessReviewCampaigns.Where(c => c.SeriesId == absurd.Id).ToListAsync());
            var alert = Assert.Single(await db.Outbox.Where(o => o.Kind == "job.failure").ToListAsync()); // once, however often the job ran
            Assert.Contains("Broken series", alert.Payload, StringComparison.Ordinal);
        }
    }

    private static AccessReviewCampaign Campaign(string name, DateOnly start) => new()
    {
        Name = name,
        ResourceKind = ReviewResourceKind.EntraGroup,
        ResourceId = Guid.NewGuid().ToString(),
        ReviewerRule = ReviewerRule.ResourceOwner,
        PeriodStart = start,
        PeriodEnd = start.AddDays(28),
        DueDate = start.AddDays(14),
        Recurrence = Recurrence.Quarterly,
        Status = CampaignStatus.Completed,
        CreatedAt = DateTimeOffset.UtcNow,
    };

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await store.DisposeAsync();
    }
}
