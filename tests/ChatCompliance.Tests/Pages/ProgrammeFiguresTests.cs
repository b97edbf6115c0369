using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Programme;
using ChatCompliance.Tests.Host;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Pages;

/// <summary>The Programme page's figures, computed in the database, on the pages' small programme (see <see cref="PagesWorld"/>).</summary>
[Collection(AppCollection.Name)]
public sealed class ProgrammeFiguresTests : IAsyncLifetime
{
    private PagesWorld _world = null!;

    public async Task InitializeAsync() => _world = await PagesWorld.StartAsync();

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task ReadAsync_SmallProgramme_CountsFreshnessTasksTrendCampaignsAndQuestions()
    {
        await using var scope = _world.App.Services.CreateAsyncScope();
        var snapshot = await scope.ServiceProvider.GetRequiredService<ProgrammeOverview>().ReadAsync();

        var controls = snapshot.BySoc2.SelectMany(g => g.Controls).ToDictionary(c => c.Code);
        Assert.Equal(Freshness.Overdue, controls["AC-01"].Freshness); // an open task 20 days late
        Assert.Equal(Freshness.Never, controls["OPS-02"].Freshness); // due in 30 days, nothing accepted
        Assert.Equal(Freshness.Fresh, controls["GOV-01"].Freshness); // annual evidence accepted 100 days ago
        Assert.Equal(snapshot.Today.AddDays(-20), controls["AC-01"].NextDue); // the soonest open task
        Assert.NotNull(controls["GOV-01"].LastAccepted);
        Assert.Equal(1, snapshot.Controls[Freshness.Overdue]);

        Assert.Equal(3, snapshot.TasksByStatus[EvidenceTaskStatus.Open]);
        Assert.Equal(1, snapshot.TasksByStatus[EvidenceTaskStatus.Accepted]);
        var olivia = snapshot.TasksByOwner[0];
        Assert.Equal(("Olivia Owner", 2, 1), (olivia.Owner, olivia.ByStatus[EvidenceTaskStatus.Open], olivia.Overdue));
        Assert.Equal(0, Assert.Single(snapshot.TasksByOwner, o => o.Owner == "Oscar Other").Overdue);

        // The late task fell due 20 days ago: overdue at the week ends after that day, not before.
        Assert.Equal(ProgrammeOverview.TrendWeeks, snapshot.OverdueTrend.Count);
        Assert.All(snapshot.OverdueTrend, p => Assert.Equal(p.WeekEnding > snapshot.Today.AddDays(-20) ? 1 : 0, p.Overdue));
        Assert.Equal(1, snapshot.OverdueTrend[^1].Overdue);

        var campaign = Assert.Single(snapshot.Campaigns);
        Assert.Equal((2, 1, 1, 50), (campaign.Items, campaign.Decided, campaign.Revoked, campaign.Percent));
        Assert.Equal((0, 1), (snapshot.Unanswered, snapshot.HandedOff));
    }
}
