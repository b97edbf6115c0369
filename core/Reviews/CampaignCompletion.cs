using ChatCompliance.Core.People;
using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Reviews;

/// <summary>
/// Closes campaigns, when every account is decided or on the due date: undecided accounts follow the campaign's rule,
/// each revocation becomes a removal for the resource owner (a card with a "Removed" button per account) or is removed
/// through Microsoft Graph with the result recorded, and the compliance leads get a summary card. Safe to repeat: only
/// a running campaign closes, and removals are attempted only while pending.
/// </summary>
public sealed class CampaignCompletion(ComplianceDbContext db, AuditTrail audit, IAccessDirectory directory, TimeProvider time, IOptions<ReviewOptions> options)
{
    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    /// <summary>Closes every running campaign whose due date has passed (reviewers have all of the due day); returns how many closed.</summary>
    public async Task<int> CompleteDueAsync(DateOnly today, ICollection<JobRowFailure>? failures = null, CancellationToken cancellationToken = default)
    {
        var due = await db.AccessReviewCampaigns.AsNoTracking()
            .Where(c => c.Status == CampaignStatus.Running && c.DueDate < today)
            .Select(c => c.Id).ToListAsync(cancellationToken);
        var closed = 0;
        foreach (var id in due)
        {
            try
            {
                closed += (await CompleteAsync(id, "the due date passed", new TaskActor(null, Platform.System), cancellationToken)).Succeeded ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException && failures is not null)
            {
                // One campaign that cannot close must not keep the others open: skip it, say which.
                db.ChangeTracker.Clear();
                failures.Add(new JobRowFailure($"access review campaign {AuditSubjects.Id(id)}", e.Message));
            }
        }

        return closed;
    }

    /// <summary>Closes the campaign when every account has a keep or revoke decision; false when some are still open.</summary>
    public async Task<bool> CompleteIfDecidedAsync(Guid campaignId, CancellationToken cancellationToken = default)
    {
        var open = await db.AccessReviewItems.AnyAsync(i => i.CampaignId == campaignId
            && (i.Decision == ReviewDecision.Undecided || i.Decision == ReviewDecision.NotSure), cancellationToken);
        return !open && (await CompleteAsync(campaignId, "every account was decided", new TaskActor(null, Platform.System), cancellationToken)).Succeeded;
    }

    /// <summary>Closes a running campaign now (<paramref name="why"/> is recorded and shown to the leads).</summary>
    public async Task<ReviewOutcome> CompleteAsync(Guid campaignId, string why, TaskActor actor, CancellationToken cancellationToken = default)
    {
        ReviewOutcome outcome;
        try
        {
            outcome = await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                var campaign = await db.AccessReviewCampaigns.SingleOrDefaultAsync(c => c.Id == campaignId, ct);
                if (campaign is null)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotFound, "I can't find that access review.");
                }

                if (campaign.Status != CampaignStatus.Running)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, Notice.Of($"{Notice.Stress(campaign.Name)} is not running."), campaign);
                }

                var now = time.GetUtcNow();
                var applied = new List<Guid>();
                if (campaign.UndecidedRule == UndecidedRule.ApplyRecommendation)
                {
                    var open = await db.AccessReviewItems.Where(i => i.CampaignId == campaignId
                        && (i.Decision == ReviewDecision.Undecided || i.Decision == ReviewDecision.NotSure)).ToListAsync(ct);
                    foreach (var item in open)
                    {
                        item.Decision = item.Recommendation == ReviewRecommendation.Revoke ? ReviewDecision.Revoke : ReviewDecision.Keep;
                        item.Justification = $"not decided by the due date; recommendation applied by the campaign's rule ({item.RecommendationReason})";
                        item.DecidedAt = now;
                        item.Version++;
                        applied.Add(item.Id);
                    }
                }

                // Revocations are flagged in the database in one statement: a large campaign has thousands.
                await db.SaveChangesAsync(ct);
                var revoked = await db.AccessReviewItems
                    .Where(i => i.CampaignId == campaignId && i.Decision == ReviewDecision.Revoke && i.RemediationStatus == RemediationStatus.None)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.RemediationStatus, RemediationStatus.Pending), ct);

                var before = CampaignLauncher.Snapshot(campaign);
                campaign.Status = CampaignStatus.Completed;
                campaign.CompletedAt = now;
                campaign.Version++;
                await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "review.completed",
                    AuditSubjects.AccessReviewCampaign, AuditSubjects.Id(campaign.Id), before, JsonSerializer.Serialize(new
                    {
                        status = campaign.Status.ToString(),
                        completedAt = now,
                        undecidedRule = campaign.UndecidedRule.ToString(),
                        recommendationApplied = applied,
                        revocations = revoked,
                    }, SnapshotJson), why), ct);

                if (revoked > 0 && !campaign.RemoveThroughGraph && await RemediatorAsync(campaign, ct) is { } remediator)
                {
                    var first = await RemediationItemsAsync(campaign.Id, ct);
                    var pageSize = options.Value.PageSize;
                    await db.EnqueueForPersonAsync($"review:{campaign.Id:N}:remediation", "review.remediation",
                        ReviewCards.Remediation(campaign, [.. first.Take(pageSize)], 0, CampaignLauncher.PageCount(first.Count, pageSize), first.Count, null),
                        remediator, now, cancellationToken: ct);
                }

                return new ReviewOutcome(ReviewOutcomeKind.Done, Notice.Of($"Closed {Notice.Stress(campaign.Name)}: {why}."), campaign, Count: revoked);
            }, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, "That access review was closed at the same moment by someone else.");
        }

        if (!outcome.Succeeded)
        {
            return outcome;
        }

        if (outcome.Campaign!.RemoveThroughGraph)
        {
            await RemoveThroughGraphAsync(campaignId, cancellationToken);
        }

        await SummariseAsync(campaignId, why, cancellationToken);
        return outcome;
    }

    /// <summary>Removes every pending revocation of a Graph-removal campaign, recording each result; safe to repeat.</summary>
    public async Task RemoveThroughGraphAsync(Guid campaignId, CancellationToken cancellationToken = default)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, cancellationToken);
        var pending = await db.AccessReviewItems.AsNoTracking()
            .Where(i => i.CampaignId == campaignId && i.RemediationStatus == RemediationStatus.Pending)
            .Select(i => i.Id).ToListAsync(cancellationToken);
        foreach (var id in pending)
        {
            var item = await db.AccessReviewItems.SingleAsync(i => i.Id == id, cancellationToken);
            DirectoryRemoval result;
            try
            {
                result = await directory.RemoveAccessAsync(campaign.ResourceKind, campaign.ResourceId, item.SubjectId, item.AssignmentId, cancellationToken);
            }
            catch (DirectoryException e)
            {
                result = new DirectoryRemoval(false, e.Message);
            }

            await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                var before = ReviewDecisions.Snapshot(item);
                item.RemediationStatus = result.Removed ? RemediationStatus.Done : RemediationStatus.Failed;
                item.RemediationNote = result.Detail.Length > ReviewDecisions.MaximumTextLength ? result.Detail[..ReviewDecisions.MaximumTextLength] : result.Detail;
                item.RemediatedAt = result.Removed ? time.GetUtcNow() : null;
                item.Version++;
                await audit.AppendAsync(db, new AuditRecord("system", null, Platform.System, result.Removed ? "review.removed" : "review.removal_failed",
                    AuditSubjects.AccessReviewItem, AuditSubjects.Id(item.Id), before, ReviewDecisions.Snapshot(item), result.Detail), ct);
            }, cancellationToken);
        }
    }

    /// <summary>The campaign's figures.</summary>
    public async Task<CampaignProgress> ProgressAsync(Guid campaignId, CancellationToken cancellationToken = default)
    {
        var counts = await db.AccessReviewItems.Where(i => i.CampaignId == campaignId)
            .GroupBy(i => new { i.Decision, i.RemediationStatus })
            .Select(g => new { g.Key.Decision, g.Key.RemediationStatus, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var reviewers = await db.AccessReviewItems.Where(i => i.CampaignId == campaignId).Select(i => i.ReviewerId).Distinct().CountAsync(cancellationToken);
        int Of(ReviewDecision d) => counts.Where(c => c.Decision == d).Sum(c => c.Count);
        int Remediation(RemediationStatus s) => counts.Where(c => c.RemediationStatus == s).Sum(c => c.Count);
        return new CampaignProgress(counts.Sum(c => c.Count), Of(ReviewDecision.Keep), Of(ReviewDecision.Revoke), Of(ReviewDecision.NotSure), Of(ReviewDecision.Undecided),
            reviewers, Remediation(RemediationStatus.Pending), Remediation(RemediationStatus.Done), Remediation(RemediationStatus.Failed));
    }

    /// <summary>The revoked accounts of a campaign in removal order: pending and failed first.</summary>
    public async Task<List<AccessReviewItem>> RemediationItemsAsync(Guid campaignId, CancellationToken cancellationToken = default) =>
        (await db.AccessReviewItems.AsNoTracking().Where(i => i.CampaignId == campaignId && i.RemediationStatus != RemediationStatus.None).ToListAsync(cancellationToken))
            .OrderBy(i => i.RemediationStatus == RemediationStatus.Done)
            .ThenBy(i => i.SubjectDisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.SubjectId, StringComparer.Ordinal)
            .ToList();

    /// <summary>Who removes revoked access: the resource owner, else the fallback reviewer; null when neither is set (the leads see it in the summary).</summary>
    private async Task<Guid?> RemediatorAsync(AccessReviewCampaign campaign, CancellationToken cancellationToken)
    {
        foreach (var id in new[] { campaign.ResourceOwnerId, campaign.FallbackReviewerId })
        {
            if (id is { } personId && await db.People.AnyAsync(p => p.Id == personId && p.IsActive, cancellationToken))
            {
                return personId;
            }
        }

        return null;
    }

    private async Task SummariseAsync(Guid campaignId, string why, CancellationToken cancellationToken)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, cancellationToken);
        var progress = await ProgressAsync(campaignId, cancellationToken);
        var card = ReviewCards.Summary(campaign, progress, why);
        var now = time.GetUtcNow();
        var leads = await db.ActiveLeadIdsAsync(cancellationToken);
        foreach (var lead in leads)
        {
            await db.EnqueueForPersonAsync($"review:{campaignId:N}:summary:{lead:N}", "review.summary", card, lead, now, cancellationToken: cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
