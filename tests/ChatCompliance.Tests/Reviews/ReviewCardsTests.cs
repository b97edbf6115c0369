using System.Text;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Integrations.Teams.Cards;
using ChatCompliance.Tests.Cards;
using ChatCompliance.Tests.Slack;

namespace ChatCompliance.Tests.Reviews;

/// <summary>Every access-review card, for a 500-account population with long and hostile values, on both platforms.</summary>
public sealed class ReviewCardsTests
{
    private const int MaxTeamsMessageBytes = 28 * 1024;
    private const int PageSize = 10;

    private static readonly DateTimeOffset Now = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private static readonly AccessReviewCampaign Campaign = new()
    {
        Name = "Finance ERP " + new string('x', 150) + SampleCards.Hostile,
        ResourceKind = ReviewResourceKind.EnterpriseApplication,
        ResourceId = "0f8fad5b-d9cb-469f-a165-70867728950e",
        ResourceName = "Finance ERP (production) " + SampleCards.Hostile,
        DueDate = new DateOnly(2027, 1, 31),
        Status = CampaignStatus.Running,
        SnapshotAt = Now,
    };

    private static readonly Person Reviewer = new() { Email = "rev@example.com", DisplayName = "Rita Reviewer" };

    private static readonly List<AccessReviewItem> Population = [.. Enumerable.Range(0, 500).Select(Item)];

    public static TheoryData<int> Pages => [.. Enumerable.Range(0, 500 / PageSize)];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_of_a_500_account_review_is_a_valid_Adaptive_Card_within_Teams_limit_and_valid_Block_Kit(int page)
    {
        var card = ReviewCards.ReviewerPage(ReviewDecisions.Paged(Campaign, Reviewer, Population, page, PageSize), page % 7 == 0 ? "Revoke: " + SampleCards.HostileLong[..500] : null);

        await AssertFitsBothAsync(card);
        Assert.Equal(PageSize, card.Body.OfType<RowsElement>().Single().Rows.Count);
    }

    [Fact]
    public async Task The_other_review_cards_are_valid_on_both_platforms()
    {
        var revoked = Population.Where(i => i.Recommendation == ReviewRecommendation.Revoke).Take(PageSize).ToList();
        foreach (var item in revoked.Skip(3))
        {
            item.RemediationStatus = RemediationStatus.Pending;
        }

        revoked[0].RemediationStatus = RemediationStatus.Failed;
        revoked[0].RemediationNote = "The application isn't allowed: grant AppRoleAssignment.ReadWrite.All " + SampleCards.Hostile;
        revoked[1].RemediationStatus = RemediationStatus.Done;
        revoked[1].RemediatedAt = Now;
        Card[] cards =
        [
            ReviewCards.BulkConfirm(Campaign, BulkDecision.AcceptRecommendations, new BulkPreview(400, 100, 0), 3),
            ReviewCards.BulkConfirm(Campaign, BulkDecision.KeepRemaining, new BulkPreview(500, 0, 120), 0),
            ReviewCards.DelegateForm(Campaign, 2),
            ReviewCards.Remediation(Campaign, revoked, 1, 12, 115, "Recorded."),
            ReviewCards.Summary(Campaign, new CampaignProgress(500, 380, 100, 5, 15, 40, 90, 10, 0), "the due date was reached"),
            ReviewCards.Summary(Campaign, new CampaignProgress(500, 380, 100, 5, 15, 40, 0, 90, 10), "every account was decided"),
            ReviewCards.List([.. Enumerable.Range(0, 20).Select(i => (Campaign, i, 500))]),
        ];

        foreach (var card in cards)
        {
            await AssertFitsBothAsync(card);
        }
    }

    [Fact]
    public void Rows_carry_the_item_and_its_version_and_a_decided_row_offers_only_the_other_choices()
    {
        List<AccessReviewItem> items = [Item(1), Item(2)];
        items[1].Decision = ReviewDecision.Keep;
        items[1].Version = 4;

        var rows = ReviewCards.ReviewerPage(ReviewDecisions.Paged(Campaign, Reviewer, items, 0, PageSize), null).Body.OfType<RowsElement>().Single().Rows;

        var open = rows.Single(r => r.Cells[0].Contains(CardText.Escape(items[0].SubjectDisplayName), StringComparison.Ordinal));
        Assert.Equal(["Keep", "Revoke", "Not sure"], open.Actions.Select(a => a.Title));
        var decided = rows.Single(r => r != open);
        var revoke = Assert.IsType<CardAction>(Assert.Single(decided.Actions));
        Assert.Equal("Revoke", revoke.Title);
        Assert.Equal("4", revoke.Data[CardDataKeys.Version]);
        Assert.Equal(items[1].Id.ToString("D"), revoke.Data[CardDataKeys.Item]);
    }

    /// <summary>Valid on Teams (schema, 28 KB) and on Slack (Block Kit limits).</summary>
    internal static async Task AssertFitsBothAsync(Card card)
    {
        var adaptive = AdaptiveCardRenderer.Render(card);
        await AdaptiveCardSchema.AssertValidAsync(adaptive);
        Assert.InRange(Encoding.UTF8.GetByteCount(adaptive.ToJsonString()), 1, MaxTeamsMessageBytes);
        var slack = BlockKitRenderer.Render(card);
        BlockKitChecker.AssertMessage(slack.Blocks, slack.Text);
    }

    private static AccessReviewItem Item(int i)
    {
        var account = new DirectoryAccount(
            Guid.NewGuid().ToString(),
            i % 50 == 0 ? "A very long display name that someone typed into the directory " + new string('y', 200) + SampleCards.Hostile : $"User {i:000}",
            $"user{i:000}@example.com",
            i % 3 == 0 ? "app role Finance Approver with a long description " + new string('z', 200) : "app role Reader",
            null,
            AccountEnabled: i % 11 != 0,
            IsGuest: i % 13 == 0,
            HasSponsor: i % 26 == 0 ? true : i % 13 == 0 ? false : null,
            LastSignInAt: i % 7 == 0 ? null : Now.AddDays(-(i % 200)),
            SignInKnown: i % 17 != 0,
            ManagerEmail: null);
        var (recommendation, reason) = ReviewRecommendations.Recommend(account, Now, 90);
        return new AccessReviewItem
        {
            SubjectId = account.Id,
            SubjectDisplayName = account.DisplayName.Length > 300 ? account.DisplayName[..300] : account.DisplayName,
            SubjectEmail = account.Email,
            Access = account.Access.Length > 300 ? account.Access[..300] : account.Access,
            AccountEnabled = account.AccountEnabled,
            IsGuest = account.IsGuest,
            HasSponsor = account.HasSponsor,
            LastSignInAt = account.LastSignInAt,
            SignInKnown = account.SignInKnown,
            Recommendation = recommendation,
            RecommendationReason = reason,
            Decision = i % 5 == 0 ? ReviewDecision.Keep : i % 9 == 0 ? ReviewDecision.Revoke : i % 23 == 0 ? ReviewDecision.NotSure : ReviewDecision.Undecided,
            Justification = i % 9 == 0 ? "left the company " + SampleCards.Hostile : null,
            Version = 1 + (i % 4),
        };
    }
}
