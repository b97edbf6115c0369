using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Duties;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Reviews;

/// <summary>
/// A reviewer's work on a running campaign: pages of their accounts, one decision at a time or the rest at once,
/// handing over to someone else; and the resource owner confirming removals. Only the assigned reviewer decides an
/// item, a decision is made once (a stale card or a second click changes nothing), a changed decision needs a reason,
/// and every change is an audit-trail entry in the same transaction.
/// </summary>
public sealed class ReviewDecisions(ComplianceDbContext db, AuditTrail audit, TimeProvider time, IOptions<ReviewOptions> options,
    IOptions<SeparationOfDutiesOptions> duties)
{
    public const int MaximumTextLength = 2000;

    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    private int PageSize => options.Value.PageSize;

    /// <summary>One page of the reviewer's accounts in the campaign (alphabetical), or null when they have none there.</summary>
    public async Task<ReviewPage?> PageAsync(Guid campaignId, Person reviewer, int page, CancellationToken cancellationToken = default)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        var mine = await db.AccessReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId && i.ReviewerId == reviewer.Id).ToListAsync(cancellationToken);
        return mine.Count == 0 ? null : Paged(campaign, reviewer, mine, page, PageSize);
    }

    /// <summary>A page of <paramref name="items"/> in review order (by name, then account id and access), with the progress over all of them.</summary>
    public static ReviewPage Paged(AccessReviewCampaign campaign, Person reviewer, IEnumerable<AccessReviewItem> items, int page, int pageSize)
    {
        var ordered = items.OrderBy(i => i.SubjectDisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.SubjectId, StringComparer.Ordinal)
            .ThenBy(i => i.Access, StringComparer.Ordinal).ToList();
        var pages = CampaignLauncher.PageCount(ordered.Count, pageSize);
        page = Math.Clamp(page, 0, pages - 1);
        var decided = ordered.Count(i => i.Decision is ReviewDecision.Keep or ReviewDecision.Revoke);
        return new ReviewPage(campaign, reviewer, [.. ordered.Skip(page * pageSize).Take(pageSize)], page, pages, decided, ordered.Count);
    }

    /// <summary>The reviewer decides one account.</summary>
    public async Task<ReviewOutcome> DecideAsync(Guid itemId, int? expectedVersion, TaskActor actor, ReviewDecision decision, string? justification, CancellationToken cancellationToken = default)
    {
        justification = string.IsNullOrWhiteSpace(justification) ? null : justification.Trim();
        if (decision == ReviewDecision.Undecided || justification is { Length: > MaximumTextLength })
        {
            return new ReviewOutcome(ReviewOutcomeKind.Invalid, $"Choose keep, revoke or not sure (a justification of at most {MaximumTextLength} characters).");
        }

        try
        {
            return await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                var item = await db.AccessReviewItems.Include(i => i.Campaign).SingleOrDefaultAsync(i => i.Id == itemId, ct);
                if (item is null)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotFound, "I can't find that account in any access review.");
                }

                if (await RefusalAsync(item, actor, ct) is { } refusal)
                {
                    await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "review.refused",
                        AuditSubjects.AccessReviewItem, AuditSubjects.Id(item.Id), null, null, $"decide {Name(decision)} refused: {refusal}"), ct);
                    return new ReviewOutcome(ReviewOutcomeKind.Refused, refusal, item.Campaign, item);
                }

                if (item.Campaign!.Status != CampaignStatus.Running)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, "This access review is closed: decisions can no longer be changed.", item.Campaign, item);
                }

                if (expectedVersion is { } version && version != item.Version)
                {
                    return Changed(item);
                }

                if (item.Decision == decision)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, $"{item.SubjectDisplayName} is already decided: {Name(decision)}.", item.Campaign, item);
                }

                var changing = item.Decision is ReviewDecision.Keep or ReviewDecision.Revoke;
                if (justification is null && (decision == ReviewDecision.Revoke || changing || decision == ReviewDecision.Keep && item.Recommendation == ReviewRecommendation.Revoke))
                {
                    var why = changing ? "changing a decision" : decision == ReviewDecision.Revoke ? "revoking access" : $"keeping a flagged account ({item.RecommendationReason})";
                    return new ReviewOutcome(ReviewOutcomeKind.Invalid, Notice.Of($"Please write a justification for {why}: {item.SubjectDisplayName}."), item.Campaign, item);
                }

                var before = Snapshot(item);
                Apply(item, decision, justification, actor.Person!.Id);
                await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person.Id, actor.Platform, changing ? "review.decision_changed" : "review.decided",
                    AuditSubjects.AccessReviewItem, AuditSubjects.Id(item.Id), before, Snapshot(item), justification), ct);
                return new ReviewOutcome(ReviewOutcomeKind.Done, Notice.Of($"{Name(decision)}: {item.SubjectDisplayName}."), item.Campaign, item);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.AccessReviewItems.Include(i => i.Campaign).AsNoTracking().SingleOrDefaultAsync(i => i.Id == itemId, cancellationToken);
            return current is null ? new ReviewOutcome(ReviewOutcomeKind.NotFound, "I can't find that account in any access review.") : Changed(current);
        }
    }

    /// <summary>What deciding the reviewer's remaining accounts at once would do.</summary>
    public async Task<BulkPreview> PreviewAsync(Guid campaignId, Guid reviewerId, BulkDecision bulk, CancellationToken cancellationToken = default)
    {
        var open = await Open(campaignId, reviewerId).Select(i => i.Recommendation).ToListAsync(cancellationToken);
        var flagged = open.Count(r => r == ReviewRecommendation.Revoke);
        return bulk == BulkDecision.AcceptRecommendations
            ? new BulkPreview(open.Count - flagged, flagged, 0)
            : new BulkPreview(open.Count, 0, flagged);
    }

    /// <summary>
    /// Decides every account the reviewer has not decided (or marked not sure): as recommended, or keep. Keeping a
    /// flagged account needs <paramref name="justification"/>; a revocation without one records its recommendation's reason.
    /// </summary>
    public async Task<ReviewOutcome> DecideAllAsync(Guid campaignId, TaskActor actor, BulkDecision bulk, string? justification, CancellationToken cancellationToken = default)
    {
        justification = string.IsNullOrWhiteSpace(justification) ? null : justification.Trim();
        if (justification is { Length: > MaximumTextLength })
        {
            return new ReviewOutcome(ReviewOutcomeKind.Invalid, $"A justification can be at most {MaximumTextLength} characters.");
        }

        if (actor.Person is not { IsActive: true } reviewer)
        {
            return new ReviewOutcome(ReviewOutcomeKind.Refused, "I don't know you yet, so I can't take access-review decisions from you.");
        }

        try
        {
            return await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                var campaign = await db.AccessReviewCampaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
                if (campaign is null)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotFound, "I can't find that access review.");
                }

                if (campaign.Status != CampaignStatus.Running)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, "This access review is closed: decisions can no longer be changed.", campaign);
                }

                var open = await Open(campaignId, reviewer.Id).ToListAsync(ct);
                var own = duties.Value.ReviewerCannotDecideOwnAccess ? open.Where(i => IsOwnAccess(i, reviewer)).ToList() : [];
                if (own.Count > 0)
                {
                    // Deciding everything at once must not decide one's own access either.
                    var refusal = Notice.Of($"{own.Count} of these accounts are your own access, so someone else must decide them: hand them to another reviewer ({Notice.Stress("Hand to someone else")}), or ask a compliance lead: {await Duties.Duties.OtherLeadsAsync(db, [reviewer.Id], ct)}.");
                    foreach (var item in own)
                    {
                        await audit.AppendAsync(db, new AuditRecord(actor.Name, reviewer.Id, actor.Platform, "review.refused",
                            AuditSubjects.AccessReviewItem, AuditSubjects.Id(item.Id), null, null, $"decide all refused: {refusal}"), ct);
                    }

                    return new ReviewOutcome(ReviewOutcomeKind.Refused, refusal, campaign);
                }

                if (open.Count == 0)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, "You have nothing left to decide in this review.", campaign);
                }

                var flaggedKept = bulk == BulkDecision.KeepRemaining ? open.Count(i => i.Recommendation == ReviewRecommendation.Revoke) : 0;
                if (flaggedKept > 0 && justification is null)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.Invalid, $"{flaggedKept} of these accounts are flagged for revoking: please write a justification for keeping them.", campaign);
                }

                foreach (var item in open)
                {
                    var decision = bulk == BulkDecision.KeepRemaining || item.Recommendation == ReviewRecommendation.Keep ? ReviewDecision.Keep : ReviewDecision.Revoke;
                    var reason = justification ?? (decision == ReviewDecision.Revoke ? $"recommendation accepted: {item.RecommendationReason}" : null);
                    var before = Snapshot(item);
                    Apply(item, decision, reason, reviewer.Id);
                    await audit.AppendAsync(db, new AuditRecord(actor.Name, reviewer.Id, actor.Platform, "review.decided",
                        AuditSubjects.AccessReviewItem, AuditSubjects.Id(item.Id), before, Snapshot(item),
                        bulk == BulkDecision.AcceptRecommendations ? $"all recommendations accepted{(reason is null ? "" : ": " + reason)}" : $"all remaining kept{(reason is null ? "" : ": " + reason)}"), ct);
                }

                return new ReviewOutcome(ReviewOutcomeKind.Done, $"Decided {open.Count} account(s).", campaign, Count: open.Count);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new ReviewOutcome(ReviewOutcomeKind.Changed, "Some of these accounts changed while you were deciding (a second click, or another copy of the card). Here is where they stand.");
        }
    }

    /// <summary>The reviewer hands their undecided accounts in the campaign to someone the bot knows.</summary>
    public async Task<ReviewOutcome> DelegateAsync(Guid campaignId, TaskActor actor, string email, string? reason, CancellationToken cancellationToken = default)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (!EmailAddress.IsValid(email) || reason is null || reason.Length > MaximumTextLength)
        {
            return new ReviewOutcome(ReviewOutcomeKind.Invalid, "Please give the email of the person taking over, and a reason.");
        }

        if (actor.Person is not { IsActive: true } reviewer)
        {
            return new ReviewOutcome(ReviewOutcomeKind.Refused, "I don't know you yet, so I can't hand over reviews for you.");
        }

        var normalised = Person.NormaliseEmail(email);
        return await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            var campaign = await db.AccessReviewCampaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
            if (campaign is null)
            {
                return new ReviewOutcome(ReviewOutcomeKind.NotFound, "I can't find that access review.");
            }

            if (campaign.Status != CampaignStatus.Running)
            {
                return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, "This access review is closed.", campaign);
            }

            var target = await db.People.SingleOrDefaultAsync(p => p.Email == normalised, ct);
            if (target is not { IsActive: true })
            {
                return new ReviewOutcome(ReviewOutcomeKind.Invalid, Notice.Of($"I don't know anyone with the email {normalised}. Ask your compliance team to add them first."), campaign);
            }

            if (target.Id == reviewer.Id)
            {
                return new ReviewOutcome(ReviewOutcomeKind.Invalid, "That's you: name someone else.", campaign);
            }

            // Nobody reviews their own access: those stay with the current reviewer.
            var moving = (await Open(campaignId, reviewer.Id).ToListAsync(ct)).Where(i => i.SubjectEmail is null || Person.NormaliseEmail(i.SubjectEmail) != target.Email).ToList();
            if (moving.Count == 0)
            {
                return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, "You have nothing left to hand over in this review.", campaign);
            }

            foreach (var item in moving)
            {
                item.DelegatedFromId = reviewer.Id;
                item.ReviewerId = target.Id;
                item.Version++;
            }

            target.Roles |= PersonRoles.Reviewer;
            var now = time.GetUtcNow();
            var entry = await audit.AppendAsync(db, new AuditRecord(actor.Name, reviewer.Id, actor.Platform, "review.delegated",
                AuditSubjects.AccessReviewCampaign, AuditSubjects.Id(campaign.Id), null, JsonSerializer.Serialize(new
                {
                    from = reviewer.Email,
                    to = target.Email,
                    items = moving.Select(i => i.Id).ToList(),
                }, SnapshotJson), reason), ct);

            // The moved items are not saved yet: the new reviewer's page is what they had plus what moves.
            var had = await db.AccessReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId && i.ReviewerId == target.Id).ToListAsync(ct);
            var page = Paged(campaign, target, had.Concat(moving), 0, PageSize);
            var reached = await db.EnqueueForPersonAsync($"review:{campaign.Id:N}:delegated:{entry.Sequence}", "review.request",
                ReviewCards.ReviewerPage(page, Notice.Of($"{reviewer.DisplayName} handed you {moving.Count} account(s) to review: {reason}")),
                target.Id, now, cancellationToken: ct);
            return new ReviewOutcome(ReviewOutcomeKind.Done,
                Notice.Of($"Handed {moving.Count} account(s) to {target.DisplayName}.")
                    .Then(reached > 0 ? "" : Notice.Of($"They haven't talked to me yet: they'll see it under {Notice.Stress("my reviews")}.")),
                campaign, Count: moving.Count);
        }, cancellationToken);
    }

    /// <summary>The resource owner (or a compliance lead) confirms that revoked access was removed.</summary>
    public async Task<ReviewOutcome> MarkRemediatedAsync(Guid itemId, TaskActor actor, string? note, CancellationToken cancellationToken = default)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > MaximumTextLength })
        {
            return new ReviewOutcome(ReviewOutcomeKind.Invalid, $"A note can be at most {MaximumTextLength} characters.");
        }

        return await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            var item = await db.AccessReviewItems.Include(i => i.Campaign).SingleOrDefaultAsync(i => i.Id == itemId, ct);
            if (item is null)
            {
                return new ReviewOutcome(ReviewOutcomeKind.NotFound, "I can't find that account in any access review.");
            }

            var person = actor.Person is { } p ? await db.People.AsNoTracking().SingleOrDefaultAsync(x => x.Id == p.Id, ct) : null;
            var allowed = person is { IsActive: true } && (person.Id == item.Campaign!.ResourceOwnerId || person.Has(PersonRoles.ComplianceLead));
            if (!allowed)
            {
                const string refusal = "Only the resource's owner or a compliance lead can confirm that access was removed.";
                await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "review.refused",
                    AuditSubjects.AccessReviewItem, AuditSubjects.Id(item.Id), null, null, $"remediated refused: {refusal}"), ct);
                return new ReviewOutcome(ReviewOutcomeKind.Refused, refusal, item.Campaign, item);
            }

            if (item.RemediationStatus is not (RemediationStatus.Pending or RemediationStatus.Failed))
            {
                return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, Notice.Of($"{item.SubjectDisplayName}: nothing to remove{(item.RemediationStatus == RemediationStatus.Done ? " (already removed)" : "")}."), item.Campaign, item);
            }

            var before = Snapshot(item);
            item.RemediationStatus = RemediationStatus.Done;
            item.RemediatedAt = time.GetUtcNow();
            item.RemediationNote = note ?? $"removed by {person!.Email}";
            item.Version++;
            await audit.AppendAsync(db, new AuditRecord(actor.Name, person!.Id, actor.Platform, "review.remediated",
                AuditSubjects.AccessReviewItem, AuditSubjects.Id(item.Id), before, Snapshot(item), note), ct);
            return new ReviewOutcome(ReviewOutcomeKind.Done, Notice.Of($"Recorded: {item.SubjectDisplayName}'s access was removed."), item.Campaign, item);
        }, cancellationToken);
    }

    /// <summary>An item as the audit trail records it.</summary>
    public static string Snapshot(AccessReviewItem item) => JsonSerializer.Serialize(new
    {
        subjectId = item.SubjectId,
        subject = item.SubjectDisplayName,
        access = item.Access,
        recommendation = item.Recommendation.ToString(),
        reviewerId = item.ReviewerId,
        decision = item.Decision.ToString(),
        justification = item.Justification,
        decidedById = item.DecidedById,
        decidedAt = item.DecidedAt,
        remediation = item.RemediationStatus.ToString(),
        remediationNote = item.RemediationNote,
        remediatedAt = item.RemediatedAt,
        version = item.Version,
    }, SnapshotJson);

    private IQueryable<AccessReviewItem> Open(Guid campaignId, Guid reviewerId) =>
        db.AccessReviewItems.Where(i => i.CampaignId == campaignId && i.ReviewerId == reviewerId
            && (i.Decision == ReviewDecision.Undecided || i.Decision == ReviewDecision.NotSure));

    private void Apply(AccessReviewItem item, ReviewDecision decision, string? justification, Guid decidedBy)
    {
        item.Decision = decision;
        item.Justification = justification;
        item.DecidedById = decidedBy;
        item.DecidedAt = time.GetUtcNow();
        item.Version++;
    }

    /// <summary>Why the actor may not decide this item, judged on the database's current view of them; null when they may.</summary>
    private async Task<Notice?> RefusalAsync(AccessReviewItem item, TaskActor actor, CancellationToken cancellationToken)
    {
        if (actor.Person is null)
        {
            return "I don't know you yet, so I can't take access-review decisions from you.";
        }

        var person = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == actor.Person.Id, cancellationToken);
        if (person is not { IsActive: true })
        {
            return "Your account is not active here, so I can't take access-review decisions from you.";
        }

        if (item.ReviewerId != person.Id)
        {
            var reviewer = item.ReviewerId is { } id ? await db.People.AsNoTracking().Where(p => p.Id == id).Select(p => p.DisplayName).SingleOrDefaultAsync(cancellationToken) : null;
            return Notice.Of($"This account is for {reviewer ?? "another reviewer"} to review; only the assigned reviewer can decide it.");
        }

        if (duties.Value.ReviewerCannotDecideOwnAccess && IsOwnAccess(item, person))
        {
            var others = await Duties.Duties.OtherLeadsAsync(db, [person.Id], cancellationToken);
            return Notice.Of($"This is your own access, so someone else must decide it: hand it to another reviewer ({Notice.Stress("Hand to someone else")}), or ask a compliance lead: {others}.");
        }

        return null;
    }

    /// <summary>True when the account under review is the person's own: the same email, or their Entra object id.</summary>
    private static bool IsOwnAccess(AccessReviewItem item, Person person) =>
        item.SubjectEmail is { } email && Person.NormaliseEmail(email) == person.Email
        || person.EntraObjectId is { } objectId && string.Equals(item.SubjectId, objectId, StringComparison.OrdinalIgnoreCase);

    private static ReviewOutcome Changed(AccessReviewItem item) =>
        new(ReviewOutcomeKind.Changed, "This account changed since that card was shown (or someone acted first). Here is where it stands.", item.Campaign, item);

    private static string Name(ReviewDecision decision) => decision switch
    {
        ReviewDecision.Keep => "keep",
        ReviewDecision.Revoke => "revoke",
        ReviewDecision.NotSure => "not sure",
        _ => "undecided",
    };
}
