using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Api.Reviews;

/// <summary>A reviewer's decision on one account: <c>decision</c> is keep, revoke or not_sure; <c>version</c> the item's version last read.</summary>
internal sealed record ItemDecisionRequest(int? Version, string? Decision, string? Justification);

internal sealed record ReviewItemResponse(
    Guid Id, Guid CampaignId, string SubjectId, string SubjectDisplayName, string? SubjectEmail, string Access, string Recommendation,
    Guid? ReviewerId, string Decision, string? Justification, Guid? DecidedById, DateTimeOffset? DecidedAt, int Version, bool CampaignCompleted)
{
    public static ReviewItemResponse From(AccessReviewItem i, bool completed) => new(
        i.Id, i.CampaignId, i.SubjectId, i.SubjectDisplayName, i.SubjectEmail, i.Access, i.Recommendation.ToString().ToLowerInvariant(), i.ReviewerId,
        ReviewDecisionsApi.Name(i.Decision), i.Justification, i.DecidedById, i.DecidedAt, i.Version, completed);
}

/// <summary>
/// <c>/api/v1/reviews/items/{id}/decision</c>: the assigned reviewer decides one account, through the same command as the
/// row of their review card. The caller must be that reviewer, as a person (an Entra ID token whose object id is theirs);
/// nobody decides their own access. Refusals are 403 problems that say who can, and are in the audit trail.
/// </summary>
internal static class ReviewDecisionsApi
{
    public static RouteGroupBuilder MapReviewDecisionsApi(this RouteGroupBuilder api)
    {
        var reviews = api.MapGroup("/reviews").WithTags("Access reviews");
        reviews.MapGet("/{id:guid}/items", ItemsAsync).WithSummary("A campaign's accounts with their ids, versions and decisions (what a decision names)");
        reviews.MapPost("/items/{id:guid}/decision", DecideAsync)
            .WithSummary("The assigned reviewer decides one account: keep, revoke or not_sure (a person's token; never one's own access)");
        return api;
    }

    private static async Task<Results<Ok<List<ReviewItemResponse>>, ProblemHttpResult>> ItemsAsync(Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound("access review", id);
        }

        var items = await db.AccessReviewItems.AsNoTracking().Where(i => i.CampaignId == id).ToListAsync(cancellationToken);
        var completed = campaign.Status == CampaignStatus.Completed;
        return TypedResults.Ok(items.OrderBy(i => i.SubjectDisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(i => i.Access, StringComparer.Ordinal)
            .Select(i => ReviewItemResponse.From(i, completed)).ToList());
    }

    internal static string Name(ReviewDecision decision) => decision switch
    {
        ReviewDecision.Keep => "keep",
        ReviewDecision.Revoke => "revoke",
        ReviewDecision.NotSure => "not_sure",
        _ => "undecided",
    };

    private static async Task<Results<Ok<ReviewItemResponse>, ValidationProblem, ProblemHttpResult>> DecideAsync(
        Guid id, ItemDecisionRequest request, ClaimsPrincipal user, ComplianceDbContext db, ReviewDecisions decisions, CampaignCompletion completion,
        CancellationToken cancellationToken)
    {
        var decision = request.Decision switch
        {
            "keep" => ReviewDecision.Keep,
            "revoke" => ReviewDecision.Revoke,
            "not_sure" => ReviewDecision.NotSure,
            _ => ReviewDecision.Undecided,
        };
        var validation = new ApiValidation()
            .Add("decision", decision == ReviewDecision.Undecided ? "decision is keep, revoke or not_sure" : null)
            .Add("version", request.Version is null ? "version is required: the item's version you last read" : request.Version < 0 ? "version is not a version" : null)
            .Add("justification", ApiValidation.Text(request.Justification, "justification", ReviewDecisions.MaximumTextLength, required: false));
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        var actor = await ApiActor.ResolveAsync(user, db, cancellationToken);
        if (actor.Person is null)
        {
            return ApiProblems.Forbidden(ApiActor.NoPersonRefusal);
        }

        var outcome = await decisions.DecideAsync(id, request.Version, actor, decision, request.Justification, cancellationToken);
        switch (outcome.Kind)
        {
            case ReviewOutcomeKind.Done:
                var completed = await completion.CompleteIfDecidedAsync(outcome.Campaign!.Id, cancellationToken);
                var item = await db.AccessReviewItems.AsNoTracking().SingleAsync(i => i.Id == id, cancellationToken);
                return TypedResults.Ok(ReviewItemResponse.From(item, completed));
            case ReviewOutcomeKind.NotFound:
                return ApiProblems.NotFound("access-review item", id);
            case ReviewOutcomeKind.Refused:
                return ApiProblems.Forbidden(outcome.Message.Text);
            case ReviewOutcomeKind.Invalid:
                return new ApiValidation().Add("justification", outcome.Message.Text).Problem();
            case ReviewOutcomeKind.Changed:
                return ApiProblems.Conflict($"The account changed since version {request.Version} (or someone decided first); it is now at version {outcome.Item?.Version}. Read it again and decide on what it says now.");
            default:
                return ApiProblems.Conflict(outcome.Message.Text);
        }
    }
}
