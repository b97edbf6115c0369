namespace ChatCompliance.Core.Domain;

/// <summary>What kind of resource an access review covers.</summary>
public enum ReviewResourceKind
{
    /// <summary>Members of an Entra ID group (transitively).</summary>
    EntraGroup = 0,
    /// <summary>App role assignments of an enterprise application.</summary>
    EnterpriseApplication = 1,
    /// <summary>Accounts of any other system, imported from CSV.</summary>
    CsvAccounts = 2,
}

/// <summary>Who reviews each item of a campaign.</summary>
public enum ReviewerRule
{
    ResourceOwner = 0,
    Manager = 1,
    NamedPeople = 2,
}

/// <summary>How often a campaign repeats.</summary>
public enum Recurrence
{
    None = 0,
    Monthly = 1,
    Quarterly = 2,
    SemiAnnual = 3,
    Annual = 4,
}

/// <summary>What happens to items nobody decided by the due date.</summary>
public enum UndecidedRule
{
    NoChange = 0,
    ApplyRecommendation = 1,
}

public enum CampaignStatus
{
    Draft = 0,
    Running = 1,
    Completed = 2,
    Cancelled = 3,
}

public enum ReviewDecision
{
    Undecided = 0,
    Keep = 1,
    Revoke = 2,
    NotSure = 3,
}

public enum ReviewRecommendation
{
    Keep = 0,
    Revoke = 1,
}

public enum RemediationStatus
{
    None = 0,
    Pending = 1,
    Done = 2,
    Failed = 3,
}

/// <summary>One periodic review of who has access to one resource.</summary>
public sealed class AccessReviewCampaign
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public required string Name { get; set; }

    public ReviewResourceKind ResourceKind { get; set; }

    /// <summary>Graph object id of the group or service principal, or the system's name for CSV.</summary>
    public required string ResourceId { get; set; }

    public string? ResourceName { get; set; }

    public Guid? ResourceOwnerId { get; set; }

    public ReviewerRule ReviewerRule { get; set; }

    public Guid? FallbackReviewerId { get; set; }

    /// <summary>For <see cref="ReviewerRule.NamedPeople"/>: the reviewers' emails, comma-separated; the population is shared out between them.</summary>
    public string? NamedReviewers { get; set; }

    /// <summary>Days without a sign-in after which revoking is recommended (fixed when the campaign is created).</summary>
    public int InactiveDays { get; set; } = 90;

    /// <summary>Why the last launch failed, in words a compliance lead can act on; null once launched.</summary>
    public string? LaunchError { get; set; }

    public DateOnly PeriodStart { get; set; }

    public DateOnly PeriodEnd { get; set; }

    public DateOnly DueDate { get; set; }

    public Recurrence Recurrence { get; set; } = Recurrence.Quarterly;

    public UndecidedRule UndecidedRule { get; set; } = UndecidedRule.NoChange;

    /// <summary>When true, revocations are removed through Graph instead of becoming remediation tasks.</summary>
    public bool RemoveThroughGraph { get; set; }

    public CampaignStatus Status { get; set; } = CampaignStatus.Draft;

    /// <summary>When the population was read from its source.</summary>
    public DateTimeOffset? SnapshotAt { get; set; }

    public Guid? CreatedById { get; set; }

    /// <summary>The first campaign of a recurring series (its own id for the first); one campaign per series and period start.</summary>
    public Guid? SeriesId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public int Version { get; set; } = 1;

    public List<AccessReviewItem> Items { get; set; } = [];
}

/// <summary>One account's access, to be kept or revoked by its reviewer.</summary>
public sealed class AccessReviewItem
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid CampaignId { get; set; }

    public AccessReviewCampaign? Campaign { get; set; }

    /// <summary>The account's id in its source (Graph object id or the CSV's account id).</summary>
    public required string SubjectId { get; set; }

    public required string SubjectDisplayName { get; set; }

    public string? SubjectEmail { get; set; }

    /// <summary>What access the account has (group membership, app role name, …).</summary>
    public required string Access { get; set; }

    public bool AccountEnabled { get; set; } = true;

    public bool IsGuest { get; set; }

    public bool? HasSponsor { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>Whether the source gives sign-in activity at all; when it does, a null <see cref="LastSignInAt"/> means never.</summary>
    public bool SignInKnown { get; set; }

    /// <summary>The app role assignment's id in Graph, needed to remove it.</summary>
    public string? AssignmentId { get; set; }

    public ReviewRecommendation Recommendation { get; set; }

    public string? RecommendationReason { get; set; }

    public Guid? ReviewerId { get; set; }

    public Person? Reviewer { get; set; }

    /// <summary>The reviewer who handed this item to <see cref="ReviewerId"/>, when it was delegated.</summary>
    public Guid? DelegatedFromId { get; set; }

    public ReviewDecision Decision { get; set; } = ReviewDecision.Undecided;

    public string? Justification { get; set; }

    public Guid? DecidedById { get; set; }

    public Person? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public RemediationStatus RemediationStatus { get; set; }

    public string? RemediationNote { get; set; }

    public DateTimeOffset? RemediatedAt { get; set; }

    public int Version { get; set; } = 1;
}
