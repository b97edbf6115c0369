using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Reviews;

/// <summary>What a new campaign needs.</summary>
/// <param name="Name">How people will see it, for example "Finance app Q1 2027".</param>
/// <param name="Kind">Group, enterprise application, or accounts from CSV.</param>
/// <param name="ResourceId">The group's or service principal's object id, or the system's name for CSV.</param>
/// <param name="ReviewerRule">Who reviews each account.</param>
/// <param name="DueDate">When undecided items are closed with the campaign's rule.</param>
/// <param name="ResourceOwnerEmail">Who owns the resource (reviews under <see cref="ReviewerRule.ResourceOwner"/>, and removes revoked access); from the directory when not given.</param>
/// <param name="NamedReviewers">For <see cref="ReviewerRule.NamedPeople"/>, who shares the population.</param>
/// <param name="FallbackReviewerEmail">Reviews whatever has no reviewer by the rule (no manager; one's own access).</param>
/// <param name="PeriodStart">The start of the period reviewed (default: today).</param>
/// <param name="PeriodEnd">Its end (default: the due date).</param>
/// <param name="Recurrence">How often it repeats.</param>
/// <param name="UndecidedRule">What happens to undecided accounts at the due date.</param>
/// <param name="RemoveThroughGraph">Remove revoked access through Microsoft Graph instead of asking the owner.</param>
/// <param name="ResourceName">A display name (CSV systems; the directory's name is used for Graph resources).</param>
public sealed record NewCampaign(
    string Name,
    ReviewResourceKind Kind,
    string ResourceId,
    ReviewerRule ReviewerRule,
    DateOnly DueDate,
    string? ResourceOwnerEmail = null,
    IReadOnlyList<string>? NamedReviewers = null,
    string? FallbackReviewerEmail = null,
    DateOnly? PeriodStart = null,
    DateOnly? PeriodEnd = null,
    Recurrence Recurrence = Recurrence.Quarterly,
    UndecidedRule UndecidedRule = UndecidedRule.NoChange,
    bool RemoveThroughGraph = false,
    string? ResourceName = null);

/// <summary>How an access-review action ended.</summary>
public enum ReviewOutcomeKind
{
    Done,
    /// <summary>Something the actor gave is missing or wrong; nothing changed.</summary>
    Invalid,
    /// <summary>The actor may not do this; recorded in the audit trail.</summary>
    Refused,
    NotFound,
    /// <summary>The card was stale or someone acted first; nothing changed.</summary>
    Changed,
    /// <summary>The action does not apply in the current state (already decided, campaign closed).</summary>
    NotApplicable,
    /// <summary>The directory could not be read; <see cref="ReviewOutcome.Message"/> says why in plain words.</summary>
    Failed,
}

/// <summary>How an action ended, a message for the actor, and the campaign or item as it now stands.</summary>
public sealed record ReviewOutcome(ReviewOutcomeKind Kind, Notice Message, AccessReviewCampaign? Campaign = null, AccessReviewItem? Item = null, int Count = 0)
{
    public bool Succeeded => Kind == ReviewOutcomeKind.Done;
}

/// <summary>A reviewer's "decide the rest" choices.</summary>
public enum BulkDecision
{
    /// <summary>Every undecided item as recommended.</summary>
    AcceptRecommendations,
    /// <summary>Keep every undecided item (flagged ones need a justification).</summary>
    KeepRemaining,
}

/// <summary>What a bulk decision would do: the reviewer confirms it first.</summary>
public sealed record BulkPreview(int Keep, int Revoke, int FlaggedKept)
{
    public int Total => Keep + Revoke;
}

/// <summary>One page of a reviewer's items with their progress.</summary>
public sealed record ReviewPage(AccessReviewCampaign Campaign, Person Reviewer, IReadOnlyList<AccessReviewItem> Items, int Page, int PageCount, int Decided, int Total);

/// <summary>A campaign's figures.</summary>
public sealed record CampaignProgress(int Total, int Kept, int Revoked, int NotSure, int Undecided, int Reviewers, int RemediationPending, int RemediationDone, int RemediationFailed)
{
    public int Decided => Kept + Revoked;
}
