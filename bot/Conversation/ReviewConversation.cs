using ChatCompliance.Core.Outbox;
using System.Globalization;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Jobs.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// Access reviews in chat: <c>my reviews</c>, a lead's <c>review group|app …</c> command, and every review card
/// action (pages, decisions, bulk decisions with a confirmation, hand-over, removals confirmed by the owner).
/// </summary>
internal sealed partial class ReviewConversation(
    ComplianceDbContext db,
    CampaignLauncher launcher,
    ReviewDecisions decisions,
    CampaignCompletion completion,
    IOptions<ReviewOptions> options,
    OutboxSignal outbox,
    TimeProvider time)
{
    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    /// <summary>Running campaigns with accounts waiting for the person.</summary>
    public async Task<ChatReply> MyReviewsAsync(Person? person, CancellationToken cancellationToken)
    {
        if (person is null)
        {
            return new TextReply("You have no access reviews waiting for you.");
        }

        var waiting = await db.AccessReviewItems
            .Where(i => i.ReviewerId == person.Id && i.Campaign!.Status == CampaignStatus.Running)
            .GroupBy(i => i.CampaignId)
            .Select(g => new { CampaignId = g.Key, Total = g.Count(), Open = g.Count(i => i.Decision == ReviewDecision.Undecided || i.Decision == ReviewDecision.NotSure) })
            .Where(g => g.Open > 0)
            .ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return new TextReply("You have no access reviews waiting for you.");
        }

        var ids = waiting.Select(w => w.CampaignId).ToList();
        var campaigns = await db.AccessReviewCampaigns.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        return new CardReply(ReviewCards.List([.. waiting.Select(w => (campaigns[w.CampaignId], w.Open, w.Total)).OrderBy(w => w.Item1.DueDate)]));
    }

    /// <summary><c>review group &lt;object id&gt; due 2027-01-31 [by owner|manager|emails] [fallback email] [remove]</c>, for compliance leads.</summary>
    public async Task<ChatReply> StartAsync(ChatEvent chat, Person? actor, string text, CancellationToken cancellationToken)
    {
        var match = ReviewCommand().Match(ChatText.Plain(text));
        if (!match.Success)
        {
            return new TextReply("To start an access review, type: **review group** *object id* **due** *yyyy-mm-dd* [**by** owner | manager | *emails*] [**fallback** *email*] [**remove**], " +
                "for example: review group 0f8fad5b-d9cb-469f-a165-70867728950e due 2027-01-31 by manager fallback lead@example.com. " +
                "**app** instead of **group** reviews an enterprise application's role assignments; **remove** removes revoked access through Microsoft Graph.");
        }

        if (!DateOnly.TryParseExact(match.Groups["due"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var due) || due < Today)
        {
            return new TextReply("Please give a due date that hasn't passed, as yyyy-mm-dd.");
        }

        var by = match.Groups["by"].Success ? match.Groups["by"].Value.Trim() : "owner";
        var (rule, named) = by.ToLowerInvariant() switch
        {
            "owner" or "owners" => (ReviewerRule.ResourceOwner, (IReadOnlyList<string>?)null),
            "manager" or "managers" => (ReviewerRule.Manager, null),
            _ => (ReviewerRule.NamedPeople, by.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
        };
        var kind = match.Groups["kind"].Value.Equals("group", StringComparison.OrdinalIgnoreCase) ? ReviewResourceKind.EntraGroup : ReviewResourceKind.EnterpriseApplication;
        var resource = match.Groups["id"].Value;
        var spec = new NewCampaign(CampaignLauncher.DefaultName(resource), kind, resource, rule, due, NamedReviewers: named,
            FallbackReviewerEmail: match.Groups["fallback"].Success ? match.Groups["fallback"].Value : null,
            RemoveThroughGraph: match.Groups["remove"].Success);
        var outcome = await launcher.CreateAsync(spec, new TaskActor(actor, chat.User.Platform, chat.User.UserId), cancellationToken: cancellationToken);
        outbox.Nudge(); // the reviewers' cards are queued
        return new TextReply(outcome.Message.Markdown);
    }

    /// <summary>Handles a review card action; the reply replaces the clicked card, or is a short message when nothing changed.</summary>
    public async Task<ChatReply> OnActionAsync(ChatEvent chat, Person? actor, CancellationToken cancellationToken)
    {
        try
        {
            return await ActAsync(chat, actor, cancellationToken);
        }
        finally
        {
            outbox.Nudge(); // a hand-over or a closing review may have queued cards
        }
    }

    private async Task<ChatReply> ActAsync(ChatEvent chat, Person? actor, CancellationToken cancellationToken)
    {
        var actorRecord = new TaskActor(actor, chat.User.Platform, chat.User.UserId);
        var page = int.TryParse(chat.Value(CardDataKeys.Page), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        if (chat.Verb is CardVerbs.ReviewDecide or CardVerbs.ReviewRemediated)
        {
            if (!Guid.TryParse(chat.Value(CardDataKeys.Item), out var itemId))
            {
                return new TextReply("That button doesn't name an account.");
            }

            return chat.Verb == CardVerbs.ReviewDecide
                ? await DecideAsync(chat, actorRecord, itemId, page, cancellationToken)
                : await RemediatedAsync(chat, actorRecord, itemId, page, cancellationToken);
        }

        if (!Guid.TryParse(chat.Value(CardDataKeys.Campaign), out var campaignId))
        {
            return new TextReply("That button doesn't name an access review.");
        }

        if (chat.Verb == CardVerbs.ReviewRemediationPage)
        {
            return await RemediationPageAsync(actorRecord, campaignId, page, null, cancellationToken);
        }

        if (actor is null)
        {
            return new TextReply("I don't know you yet, so I can't show you access reviews.");
        }

        var bulk = chat.Value(CardDataKeys.Bulk) switch
        {
            "accept" => BulkDecision.AcceptRecommendations,
            "keep" => BulkDecision.KeepRemaining,
            _ => (BulkDecision?)null,
        };
        switch (chat.Verb)
        {
            case CardVerbs.ReviewPage:
                return await PageAsync(campaignId, actor, page, null, cancellationToken);
            case CardVerbs.ReviewBulk when bulk is { } preview:
                var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
                return campaign is null
                    ? new TextReply("I can't find that access review.")
                    : new CardReply(ReviewCards.BulkConfirm(campaign, preview, await decisions.PreviewAsync(campaignId, actor.Id, preview, cancellationToken), page), ReplacesCard: true);
            case CardVerbs.ReviewBulkConfirm when bulk is { } chosen:
                var outcome = await decisions.DecideAllAsync(campaignId, actorRecord, chosen, chat.Value(CardDataKeys.Justification), cancellationToken);
                if (outcome.Kind == ReviewOutcomeKind.Invalid && outcome.Campaign is { } shown)
                {
                    return new CardReply(WithNotice(ReviewCards.BulkConfirm(shown, chosen, await decisions.PreviewAsync(campaignId, actor.Id, chosen, cancellationToken), page), outcome.Message.Markdown), ReplacesCard: true);
                }

                return await AfterDecisionAsync(campaignId, actor, page, outcome, cancellationToken);
            case CardVerbs.ReviewDelegateForm:
                var running = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
                return running is null ? new TextReply("I can't find that access review.") : new CardReply(ReviewCards.DelegateForm(running, page), ReplacesCard: true);
            case CardVerbs.ReviewDelegate:
                var handed = await decisions.DelegateAsync(campaignId, actorRecord, chat.Value(CardDataKeys.Email) ?? "", chat.Value(CardDataKeys.Reason), cancellationToken);
                if (handed.Kind == ReviewOutcomeKind.Invalid && handed.Campaign is { } form)
                {
                    return new CardReply(WithNotice(ReviewCards.DelegateForm(form, page), handed.Message.Markdown), ReplacesCard: true);
                }

                return await PageAsync(campaignId, actor, page, handed.Message.Markdown, cancellationToken);
            default:
                return new TextReply("Sorry, I don't recognise that button any more.");
        }
    }

    private async Task<ChatReply> DecideAsync(ChatEvent chat, TaskActor actor, Guid itemId, int page, CancellationToken cancellationToken)
    {
        var decision = chat.Value(CardDataKeys.Decision) switch
        {
            "keep" => ReviewDecision.Keep,
            "revoke" => ReviewDecision.Revoke,
            "not_sure" => ReviewDecision.NotSure,
            _ => ReviewDecision.Undecided,
        };
        // Every row we send carries the item's version; a decision without one cannot be checked for staleness.
        if (!int.TryParse(chat.Value(CardDataKeys.Version), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return new TextReply(TaskConversation.StaleButton);
        }

        var outcome = await decisions.DecideAsync(itemId, version, actor, decision, chat.Value(CardDataKeys.Justification), cancellationToken);
        if (outcome.Kind is ReviewOutcomeKind.Refused or ReviewOutcomeKind.NotFound || actor.Person is null || outcome.Campaign is null)
        {
            return new TextReply(outcome.Message.Markdown);
        }

        return await AfterDecisionAsync(outcome.Campaign.Id, actor.Person, page, outcome, cancellationToken);
    }

    /// <summary>The reviewer's page with what happened on top; closes the campaign when that was the last open account.</summary>
    private async Task<ChatReply> AfterDecisionAsync(Guid campaignId, Person reviewer, int page, ReviewOutcome outcome, CancellationToken cancellationToken)
    {
        var notice = outcome.Message.Markdown;
        if (outcome.Succeeded && await completion.CompleteIfDecidedAsync(campaignId, cancellationToken))
        {
            notice += " That was the last account in this review: it is now closed. Thank you!";
        }

        return await PageAsync(campaignId, reviewer, page, notice, cancellationToken);
    }

    private async Task<ChatReply> PageAsync(Guid campaignId, Person reviewer, int page, string? notice, CancellationToken cancellationToken)
    {
        var shown = await decisions.PageAsync(campaignId, reviewer, page, cancellationToken);
        if (shown is not null)
        {
            return new CardReply(ReviewCards.ReviewerPage(shown, notice), ReplacesCard: true);
        }

        // Nothing of theirs is left (handed over): the old page goes, so its buttons can't be clicked again.
        return notice is null
            ? new TextReply("You have no accounts to review in that access review.")
            : new CardReply(new Card(new CardHeader("Access review"), [new TextElement(notice)], notice), ReplacesCard: true);
    }

    private async Task<ChatReply> RemediatedAsync(ChatEvent chat, TaskActor actor, Guid itemId, int page, CancellationToken cancellationToken)
    {
        var outcome = await decisions.MarkRemediatedAsync(itemId, actor, chat.Value(CardDataKeys.Note), cancellationToken);
        return outcome.Kind is ReviewOutcomeKind.Refused or ReviewOutcomeKind.NotFound || outcome.Campaign is null
            ? new TextReply(outcome.Message.Markdown)
            : await RemediationPageAsync(actor, outcome.Campaign.Id, page, outcome.Message.Markdown, cancellationToken);
    }

    private async Task<ChatReply> RemediationPageAsync(TaskActor actor, Guid campaignId, int page, string? notice, CancellationToken cancellationToken)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null || actor.Person is null || actor.Person.Id != campaign.ResourceOwnerId && actor.Person.Id != campaign.FallbackReviewerId && !actor.Person.Has(PersonRoles.ComplianceLead))
        {
            return new TextReply(notice ?? "Only the resource's owner or a compliance lead can see the access to remove.");
        }

        var items = await completion.RemediationItemsAsync(campaignId, cancellationToken);
        var size = options.Value.PageSize;
        var pages = CampaignLauncher.PageCount(items.Count, size);
        page = Math.Clamp(page, 0, pages - 1);
        var pending = items.Count(i => i.RemediationStatus is RemediationStatus.Pending or RemediationStatus.Failed);
        return new CardReply(ReviewCards.Remediation(campaign, [.. items.Skip(page * size).Take(size)], page, pages, pending, notice), ReplacesCard: true);
    }

    private static Card WithNotice(Card card, string notice) => card with { Body = [new TextElement(notice, TextStyle.Emphasis), .. card.Body] };

    [GeneratedRegex(@"^review\s+(?<kind>group|app)\s+(?<id>\S+)\s+due\s+(?<due>\S+)(?:\s+by\s+(?<by>.+?))?(?:\s+fallback\s+(?<fallback>[^\s@]+@[^\s@]+))?(?:\s+(?<remove>remove))?\s*$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ReviewCommand();
}
