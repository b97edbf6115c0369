using System.Globalization;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;

namespace ChatCompliance.Core.Cards;

/// <summary>
/// Access-review cards: a reviewer's page of accounts (Keep / Revoke / Not sure per row, a justification field,
/// paging, bulk choices), the confirmation before a bulk decision, the hand-over form, the resource owner's list of
/// access to remove, the list behind <c>my reviews</c>, and the compliance lead's summary. Every row action carries
/// the item's version, so a stale card or a second click changes nothing.
/// </summary>
public static class ReviewCards
{
    /// <summary>Campaigns listed in one <c>my reviews</c> card.</summary>
    public const int ListLimit = 15;

    /// <summary>One page of the reviewer's accounts with their progress.</summary>
    public static Card ReviewerPage(ReviewPage page, Notice? notice)
    {
        var campaign = page.Campaign;
        List<CardElement> body = [];
        if (notice is not null)
        {
            body.Add(new TextElement(notice.Markdown, TextStyle.Emphasis));
        }

        body.Add(new FactsElement(
        [
            new Fact("Resource", CardText.Escape(ResourceText(campaign))),
            new Fact("Due", campaign.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new Fact("Your progress", $"{page.Decided} of {page.Total} decided"),
        ]));
        var running = campaign.Status == CampaignStatus.Running;
        if (!running)
        {
            body.Add(new TextElement($"This review is {(campaign.Status == CampaignStatus.Completed ? "closed" : "not running")}: decisions can no longer be changed.", TextStyle.Warning));
        }

        body.Add(new RowsElement([.. page.Items.Select(i => ItemRow(i, running, page.Page))]));
        if (running && page.Decided < page.Total)
        {
            body.Add(new TextElement("**Accept recommended** decides every undecided account as recommended; **Keep all remaining** keeps them all. Both show what they would do first.", TextStyle.Subtle));
        }

        if (running)
        {
            body.Add(new TextInput(CardDataKeys.Justification, "Justification (needed to revoke, to keep a flagged account, or to change a decision)", Multiline: true, MaxLength: 2000));
        }

        List<CardButton> actions = [];
        if (page.Page > 0)
        {
            actions.Add(new CardAction(CardVerbs.ReviewPage, "Previous page", PageData(campaign, page.Page - 1)));
        }

        if (page.Page + 1 < page.PageCount)
        {
            actions.Add(new CardAction(CardVerbs.ReviewPage, "Next page", PageData(campaign, page.Page + 1)));
        }

        if (running && page.Decided < page.Total)
        {
            actions.Add(new CardAction(CardVerbs.ReviewBulk, "Accept recommended", BulkData(campaign, BulkDecision.AcceptRecommendations, page.Page)));
            actions.Add(new CardAction(CardVerbs.ReviewBulk, "Keep all remaining", BulkData(campaign, BulkDecision.KeepRemaining, page.Page)));
            actions.Add(new CardAction(CardVerbs.ReviewDelegateForm, "Hand to someone else", PageData(campaign, page.Page)));
        }

        return new Card(Header(campaign, page.PageCount > 1 ? $"page {page.Page + 1} of {page.PageCount}" : null), body,
            $"Access review {campaign.Name}: {page.Decided} of {page.Total} decided, due {campaign.DueDate:yyyy-MM-dd}")
        {
            Actions = actions,
        };
    }

    /// <summary>What a bulk decision will do, with Confirm and Cancel; keeping flagged accounts needs a justification.</summary>
    public static Card BulkConfirm(AccessReviewCampaign campaign, BulkDecision bulk, BulkPreview preview, int returnPage)
    {
        var what = bulk == BulkDecision.AcceptRecommendations
            ? $"Decide your {preview.Total} remaining account(s) as recommended: keep {preview.Keep}, revoke {preview.Revoke}."
            : $"Keep all your {preview.Total} remaining account(s).";
        List<CardElement> body = [new TextElement(what, TextStyle.Emphasis)];
        if (preview.FlaggedKept > 0)
        {
            body.Add(new TextElement($"{preview.FlaggedKept} of them are flagged for revoking: say why they keep their access.", TextStyle.Warning));
        }

        body.Add(new TextInput(CardDataKeys.Justification,
            preview.FlaggedKept > 0 ? "Justification" : "Justification (optional; revocations record their recommendation's reason)",
            Multiline: true, Required: preview.FlaggedKept > 0, MaxLength: 2000));
        var data = BulkData(campaign, bulk, returnPage);
        return new Card(Header(campaign, "confirm"), body, $"Confirm: {what}")
        {
            Actions =
            [
                new CardAction(CardVerbs.ReviewBulkConfirm, "Confirm", data, CardActionStyle.Positive),
                new CardAction(CardVerbs.ReviewPage, "Cancel", PageData(campaign, returnPage)),
            ],
        };
    }

    /// <summary>The form to hand one's undecided accounts to someone else.</summary>
    public static Card DelegateForm(AccessReviewCampaign campaign, int returnPage) =>
        new(Header(campaign, "hand to someone else"),
        [
            new TextElement("Your undecided accounts in this review go to the person you name; the hand-over is recorded."),
            new TextInput(CardDataKeys.Email, "Their email", "name@company.com", Required: true, MaxLength: 320),
            new TextInput(CardDataKeys.Reason, "Reason", Multiline: true, Required: true, MaxLength: 2000),
        ], $"Hand the access review {campaign.Name} to someone else")
        {
            Actions =
            [
                new CardAction(CardVerbs.ReviewDelegate, "Hand over", PageData(campaign, returnPage), CardActionStyle.Positive),
                new CardAction(CardVerbs.ReviewPage, "Cancel", PageData(campaign, returnPage)),
            ],
        };

    /// <summary>The resource owner's list of access to remove, a page at a time, each with "Removed".</summary>
    public static Card Remediation(AccessReviewCampaign campaign, IReadOnlyList<AccessReviewItem> items, int page, int pageCount, int pending, string? notice)
    {
        List<CardElement> body = [];
        if (notice is not null)
        {
            body.Add(new TextElement(notice, TextStyle.Emphasis));
        }

        body.Add(new TextElement(pending == 0
            ? "All revoked access has been removed. Thank you."
            : $"Reviewers decided to revoke this access. Remove it in **{CardText.Escape(ResourceText(campaign))}**, then press **Removed** (add a note, such as a ticket number, if you like). {pending} to go."));
        body.Add(new RowsElement([.. items.Select(i => new CardRow(
            [$"**{CardText.Escape(i.SubjectDisplayName)}**{(i.SubjectEmail is { } e ? " · " + CardText.Escape(e) : "")} · {CardText.Escape(i.Access)}",
             i.RemediationStatus switch
             {
                 RemediationStatus.Done => $"Removed {i.RemediatedAt:yyyy-MM-dd}",
                 RemediationStatus.Failed => $"Removal failed: {CardText.Escape(i.RemediationNote ?? "")}",
                 _ => $"Revoke: {CardText.Escape(i.Justification ?? i.RecommendationReason ?? "")}",
             }],
            i.RemediationStatus is RemediationStatus.Pending or RemediationStatus.Failed
                ? [new CardAction(CardVerbs.ReviewRemediated, "Removed", ItemData(i, (CardDataKeys.Page, Number(page))), CardActionStyle.Positive)]
                : []))]));
        if (pending > 0)
        {
            body.Add(new TextInput(CardDataKeys.Note, "Note (optional)", MaxLength: 2000));
        }

        List<CardButton> actions = [];
        if (page > 0)
        {
            actions.Add(new CardAction(CardVerbs.ReviewRemediationPage, "Previous page", PageData(campaign, page - 1)));
        }

        if (page + 1 < pageCount)
        {
            actions.Add(new CardAction(CardVerbs.ReviewRemediationPage, "Next page", PageData(campaign, page + 1)));
        }

        return new Card(Header(campaign, pageCount > 1 ? $"access to remove, page {page + 1} of {pageCount}" : "access to remove"), body, $"Access to remove after the review {campaign.Name}: {pending} to go") { Actions = actions };
    }

    /// <summary>The compliance lead's summary when a campaign closes.</summary>
    public static Card Summary(AccessReviewCampaign campaign, CampaignProgress progress, string why)
    {
        List<Fact> facts =
        [
            new("Resource", CardText.Escape(ResourceText(campaign))),
            new("Population", $"{progress.Total} accounts, snapshot {campaign.SnapshotAt:yyyy-MM-dd HH:mm} UTC"),
            new("Kept", Number(progress.Kept)),
            new("Revoked", Number(progress.Revoked)),
            new("Not decided", Number(progress.Undecided + progress.NotSure)),
            new("Removal", campaign.RemoveThroughGraph
                ? $"{progress.RemediationDone} removed through Microsoft Graph, {progress.RemediationFailed} failed"
                : $"{progress.RemediationPending} waiting for the owner, {progress.RemediationDone} done"),
        ];
        List<CardElement> body = [new TextElement($"Closed: {CardText.Escape(why)}."), new FactsElement(facts)];
        if (progress.RemediationFailed > 0)
        {
            body.Add(new TextElement("Some removals failed; the report lists each with the reason.", TextStyle.Warning));
        }

        body.Add(new TextElement("The report (CSV or JSON) for your auditor: GET /api/v1/reviews/" + campaign.Id.ToString("D") + "/report", TextStyle.Subtle));
        return new Card(Header(campaign, "closed"), body,
            $"Access review {campaign.Name} closed: {progress.Kept} kept, {progress.Revoked} revoked, {progress.Undecided + progress.NotSure} not decided");
    }

    /// <summary><c>my reviews</c>: the running campaigns with accounts waiting for the reviewer.</summary>
    public static Card List(IReadOnlyList<(AccessReviewCampaign Campaign, int Waiting, int Total)> campaigns) =>
        new(new CardHeader("Access reviews waiting for you"),
        [
            new RowsElement([.. campaigns.Take(ListLimit).Select(c => new CardRow(
                [$"**{CardText.Escape(c.Campaign.Name)}** · {CardText.Escape(ResourceText(c.Campaign))}", $"{c.Waiting} of {c.Total} to decide · due {c.Campaign.DueDate:yyyy-MM-dd}"],
                [new CardAction(CardVerbs.ReviewPage, "Open", PageData(c.Campaign, 0), CardActionStyle.Positive)]))]),
        ], $"You have access reviews waiting in {campaigns.Count} campaign(s).");

    private static CardRow ItemRow(AccessReviewItem item, bool running, int page)
    {
        var who = $"**{CardText.Escape(item.SubjectDisplayName)}**{(item.SubjectEmail is { } e ? " · " + CardText.Escape(e) : "")}{(item.IsGuest ? " · guest" : "")}{(item.AccountEnabled ? "" : " · disabled")}\n\n{CardText.Escape(item.Access)}";
        var signIn = !item.SignInKnown ? "sign-ins not tracked"
            : item.LastSignInAt is { } last ? $"last sign-in {last:yyyy-MM-dd}" : "never signed in";
        var state = item.Decision switch
        {
            ReviewDecision.Keep => "✅ **Kept**",
            ReviewDecision.Revoke => "⛔ **Revoked**",
            ReviewDecision.NotSure => "❔ **Not sure**",
            _ => item.Recommendation == ReviewRecommendation.Revoke
                ? $"⚠️ Recommended: **revoke** ({CardText.Escape(item.RecommendationReason ?? "")})"
                : $"Recommended: keep ({CardText.Escape(item.RecommendationReason ?? "")})",
        };
        List<CardButton> actions = [];
        if (running)
        {
            // The recommended choice comes first and stands out; on a row flagged for revoking, Keep is a plain button.
            var flagged = item.Recommendation == ReviewRecommendation.Revoke;
            if (item.Decision != ReviewDecision.Keep)
            {
                actions.Add(new CardAction(CardVerbs.ReviewDecide, "Keep", ItemData(item, (CardDataKeys.Decision, "keep"), (CardDataKeys.Page, Number(page))),
                    flagged ? CardActionStyle.Default : CardActionStyle.Positive));
            }

            if (item.Decision != ReviewDecision.Revoke)
            {
                actions.Insert(flagged ? 0 : actions.Count,
                    new CardAction(CardVerbs.ReviewDecide, "Revoke", ItemData(item, (CardDataKeys.Decision, "revoke"), (CardDataKeys.Page, Number(page))), CardActionStyle.Destructive));
            }

            if (item.Decision is ReviewDecision.Undecided)
            {
                actions.Add(new CardAction(CardVerbs.ReviewDecide, "Not sure", ItemData(item, (CardDataKeys.Decision, "not_sure"), (CardDataKeys.Page, Number(page)))));
            }
        }

        return new CardRow([who, $"{signIn}\n\n{state}"], actions);
    }

    private static CardHeader Header(AccessReviewCampaign campaign, string? part) =>
        new($"Access review: {CardText.Escape(campaign.Name)}", part is null ? $"due {campaign.DueDate:yyyy-MM-dd}" : $"{part} · due {campaign.DueDate:yyyy-MM-dd}");

    internal static string ResourceText(AccessReviewCampaign campaign) => campaign.ResourceKind switch
    {
        ReviewResourceKind.EntraGroup => $"group {campaign.ResourceName ?? campaign.ResourceId}",
        ReviewResourceKind.EnterpriseApplication => $"application {campaign.ResourceName ?? campaign.ResourceId}",
        _ => campaign.ResourceName ?? campaign.ResourceId,
    };

    private static Dictionary<string, string> PageData(AccessReviewCampaign campaign, int page) => new()
    {
        [CardDataKeys.Campaign] = campaign.Id.ToString("D"),
        [CardDataKeys.Page] = Number(page),
    };

    private static Dictionary<string, string> BulkData(AccessReviewCampaign campaign, BulkDecision bulk, int page) => new(PageData(campaign, page))
    {
        [CardDataKeys.Bulk] = bulk == BulkDecision.AcceptRecommendations ? "accept" : "keep",
    };

    private static Dictionary<string, string> ItemData(AccessReviewItem item, params (string Key, string Value)[] extra)
    {
        var data = new Dictionary<string, string>
        {
            [CardDataKeys.Item] = item.Id.ToString("D"),
            [CardDataKeys.Version] = Number(item.Version),
        };
        foreach (var (key, value) in extra)
        {
            data[key] = value;
        }

        return data;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
