using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Tests.Cards;
using ChatCompliance.Tests.Reviews;

namespace ChatCompliance.Tests.Chasing;

/// <summary>The chaser's reminders and escalations, with long and hostile values, on both platforms.</summary>
public sealed class ChaserCardsTests
{
    private static readonly DateOnly Due = new(2027, 1, 15);

    private static readonly Person Olivia = new() { Email = "olivia@example.com", DisplayName = "Olivia " + SampleCards.Hostile };

    private static readonly EvidenceTask Evidence = new()
    {
        Title = "Quarterly access review " + new string('x', 200) + SampleCards.Hostile,
        DueDate = Due,
        Owner = Olivia,
        Delegate = new Person { Email = "dan@example.com", DisplayName = "Dan" },
        Control = new Control
        {
            Code = "CC6.2",
            Title = "User access is reviewed " + SampleCards.Hostile,
            Soc2Refs = ["CC6.2", "CC6.3"],
            Iso27001Refs = ["A.5.18"],
            EvidenceDescription = SampleCards.HostileLong[..1500],
        },
    };

    [Theory]
    [InlineData(3, "Due in 3 days")]
    [InlineData(1, "Due tomorrow")]
    [InlineData(0, "Due today")]
    [InlineData(-1, "1 day overdue")]
    [InlineData(-2, "2 days overdue")]
    public void DueNotice_DaysBeforeOrAfter_SaysHowNearOrLate(int daysToGo, string expected) =>
        Assert.Equal(expected, ChaserCards.DueNotice(Due, Due.AddDays(-daysToGo)));

    [Fact]
    public async Task TaskReminder_IsTheOwnersCardWithItsActionsUnderTheNotice()
    {
        var card = ChaserCards.TaskReminder(Evidence, Due.AddDays(-3));

        await ReviewCardsTests.AssertFitsBothAsync(card);
        Assert.StartsWith("⏰ Due in 3 days", Assert.IsType<TextElement>(card.Body[0]).Text, StringComparison.Ordinal);
        Assert.StartsWith("Due in 3 days: Evidence task:", card.FallbackText, StringComparison.Ordinal);
        Assert.Equal(TaskCards.Owner(Evidence, Due.AddDays(-3)).Actions.Select(a => a.Title), card.Actions.Select(a => a.Title));
    }

    [Theory]
    [InlineData(ChaseTarget.Manager, "manager")]
    [InlineData(ChaseTarget.ComplianceLead, "compliance lead")]
    public async Task TaskEscalation_IsReadOnlyAndSaysWhoseEvidenceIsHowLate(ChaseTarget target, string role)
    {
        var card = ChaserCards.TaskEscalation(Evidence, target, Due.AddDays(5));

        await ReviewCardsTests.AssertFitsBothAsync(card);
        Assert.Empty(card.Actions);
        var text = string.Join("\n", card.Body.OfType<TextElement>().Select(t => t.Text));
        Assert.Contains($"**{CardText.Escape(Olivia.DisplayName)}**'s evidence for **CC6.2** is **5 days overdue**", text, StringComparison.Ordinal);
        Assert.Contains(role, text, StringComparison.Ordinal);
        Assert.StartsWith("Olivia", card.FallbackText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewReminderAndEscalation_FortyAccounts_AreValidOnBothPlatforms()
    {
        var campaign = new AccessReviewCampaign
        {
            Name = "Finance ERP " + SampleCards.Hostile,
            ResourceId = "erp",
            ResourceKind = ReviewResourceKind.CsvAccounts,
            DueDate = Due,
            Status = CampaignStatus.Running,
            UndecidedRule = UndecidedRule.ApplyRecommendation,
        };
        var items = Enumerable.Range(0, 40).Select(i => new AccessReviewItem
        {
            SubjectId = $"u{i}",
            SubjectDisplayName = $"User {i:00} " + SampleCards.Hostile,
            Access = "app role Reader " + new string('z', 250),
            Decision = i < 25 ? ReviewDecision.Keep : ReviewDecision.Undecided,
        }).ToList();

        var reminder = ChaserCards.ReviewReminder(ReviewDecisions.Paged(campaign, Olivia, items, 2, 10), Due);
        var escalation = ChaserCards.ReviewEscalation(campaign, Olivia, 15, 40, Due);

        await ReviewCardsTests.AssertFitsBothAsync(reminder);
        await ReviewCardsTests.AssertFitsBothAsync(escalation);
        Assert.Contains("Due today: 15 of 40 account(s) still to decide. Undecided accounts follow the recommendation", Assert.IsType<TextElement>(reminder.Body[0]).Text, StringComparison.Ordinal);
        Assert.Empty(escalation.Actions);
        Assert.Contains("**15 of 40** account(s) to decide in this access review, due today", Assert.IsType<TextElement>(escalation.Body[0]).Text, StringComparison.Ordinal);
    }
}
