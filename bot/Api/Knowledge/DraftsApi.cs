using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Curation;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Api.Knowledge;

/// <summary>A knowledge-base draft as the API shows it; lists are arrays.</summary>
internal sealed record DraftResponse(
    Guid Id, string EntryId, string Title, string Body, IReadOnlyList<string> Phrasings, IReadOnlyList<string> References, string SourceTitle, string? SourceUrl,
    string Owner, Guid? AuthorId, Guid? QuestionId, string Status, int Version, DateTimeOffset CreatedAt, Guid? ReviewedById, DateTimeOffset? ReviewedAt, string? RejectionReason)
{
    public static DraftResponse From(KnowledgeDraft d) => new(
        d.Id, d.EntryId, d.Title, d.Body, DraftRules.Lines(d.Phrasings), DraftRules.Lines(d.References), d.SourceTitle, d.SourceUrl, d.Owner, d.AuthorId, d.QuestionId,
        d.Status.ToString().ToLowerInvariant(), d.Version, d.CreatedAt, d.ReviewedById, d.ReviewedAt, d.RejectionReason);
}

/// <summary>A lead's changes to a pending draft: absent fields stay as they are; <c>version</c> is the draft's version last read.</summary>
internal sealed record DraftUpdateRequest(int? Version, string? Title, string? Body, string[]? Phrasings, string[]? References, string? SourceTitle, string? SourceUrl);

/// <summary>A lead's decision on a draft: <c>version</c> (optional) is the draft's version last read; a rejection may say why.</summary>
internal sealed record DraftDecisionRequest(int? Version, string? Reason);

/// <summary>
/// <c>/api/v1/kb/drafts</c>: the knowledge-base drafts made from team answers, through the same decisions as the
/// <c>kb drafts</c> card in chat. Approving and rejecting need a person (an Entra ID token whose object id is a lead's):
/// separation of duties judges people, so an API key alone cannot decide; it may read and edit. Refusals are 403
/// problems, a decision already taken or a stale version 409, bad fields 400; nothing changes on any of them.
/// </summary>
internal static class DraftsApi
{
    public static RouteGroupBuilder MapDraftsApi(this RouteGroupBuilder api)
    {
        var drafts = api.MapGroup("/kb/drafts").WithTags("Knowledge-base drafts");
        drafts.MapGet("/", ListAsync).WithSummary("Drafts, oldest first (status: pending (default), approved, rejected or all)");
        drafts.MapGet("/{id:guid}", GetAsync).WithSummary("One draft");
        drafts.MapPut("/{id:guid}", UpdateAsync).WithSummary("Change a pending draft's title, answer, phrasings, references or source");
        drafts.MapPost("/{id:guid}/approve", ApproveAsync).WithSummary("Approve a pending draft: the bot answers from it at once (a person's token; not the answer's author while another lead exists)");
        drafts.MapPost("/{id:guid}/reject", RejectAsync).WithSummary("Reject a pending draft (a person's token)");
        return api;
    }

    private static async Task<Results<Ok<List<DraftResponse>>, ValidationProblem>> ListAsync(string? status, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        DraftStatus? wanted = status?.ToLowerInvariant() switch
        {
            null or "" or "pending" => DraftStatus.Pending,
            "approved" => DraftStatus.Approved,
            "rejected" => DraftStatus.Rejected,
            "all" => null,
            _ => (DraftStatus)(-1),
        };
        if (wanted == (DraftStatus)(-1))
        {
            return new ApiValidation().Add("status", "status is pending, approved, rejected or all").Problem();
        }

        var drafts = await db.KnowledgeDrafts.AsNoTracking().Where(d => wanted == null || d.Status == wanted).OrderBy(d => d.CreatedAt).ThenBy(d => d.Id).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok(drafts.Select(DraftResponse.From).ToList());
    }

    private static async Task<Results<Ok<DraftResponse>, ProblemHttpResult>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var draft = await db.KnowledgeDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
        return draft is null ? ApiProblems.NotFound("knowledge-base draft", id) : TypedResults.Ok(DraftResponse.From(draft));
    }

    private static async Task<Results<Ok<DraftResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, DraftUpdateRequest request, ClaimsPrincipal user, ComplianceDbContext db, KnowledgeDrafts drafts, CancellationToken cancellationToken)
    {
        if (request.Version is < 0)
        {
            return new ApiValidation().Add("version", "version is not a version").Problem();
        }

        var actor = await ApiActor.ResolveAsync(user, db, cancellationToken) with { ActsAsLead = true };
        var changes = new DraftChanges(request.Title, request.Body, request.Phrasings is null ? null : string.Join('\n', request.Phrasings.Select(p => p ?? "")),
            request.References is null ? null : string.Join('\n', request.References.Select(r => r ?? "")), request.SourceTitle, request.SourceUrl);
        return Answer(id, await drafts.EditAsync(id, request.Version, actor, changes, cancellationToken), unchangedIsConflict: false);
    }

    private static async Task<Results<Ok<DraftResponse>, ValidationProblem, ProblemHttpResult>> ApproveAsync(
        Guid id, DraftDecisionRequest? request, ClaimsPrincipal user, ComplianceDbContext db, KnowledgeDrafts drafts, CancellationToken cancellationToken)
    {
        var actor = await ApiActor.ResolveAsync(user, db, cancellationToken);
        if (actor.Person is null)
        {
            return ApiProblems.Forbidden(ApiActor.NoPersonRefusal);
        }

        return Answer(id, await drafts.ApproveAsync(id, request?.Version, actor, cancellationToken), unchangedIsConflict: true);
    }

    private static async Task<Results<Ok<DraftResponse>, ValidationProblem, ProblemHttpResult>> RejectAsync(
        Guid id, DraftDecisionRequest? request, ClaimsPrincipal user, ComplianceDbContext db, KnowledgeDrafts drafts, CancellationToken cancellationToken)
    {
        var actor = await ApiActor.ResolveAsync(user, db, cancellationToken);
        if (actor.Person is null)
        {
            return ApiProblems.Forbidden(ApiActor.NoPersonRefusal);
        }

        return Answer(id, await drafts.RejectAsync(id, request?.Version, actor, request?.Reason, cancellationToken), unchangedIsConflict: true);
    }

    private static Results<Ok<DraftResponse>, ValidationProblem, ProblemHttpResult> Answer(Guid id, DraftOutcome outcome, bool unchangedIsConflict) => outcome.Kind switch
    {
        DraftOutcomeKind.Done => TypedResults.Ok(DraftResponse.From(outcome.Draft!)),
        DraftOutcomeKind.Unchanged when !unchangedIsConflict => TypedResults.Ok(DraftResponse.From(outcome.Draft!)),
        DraftOutcomeKind.NotFound => ApiProblems.NotFound("knowledge-base draft", id),
        DraftOutcomeKind.Invalid => new ApiValidation().Add("draft", outcome.Message.Text).Problem(),
        // A decision already taken (approve twice, reject after approve, edit after a decision) conflicts with the draft's state.
        DraftOutcomeKind.Refused when outcome.Draft is { Status: not DraftStatus.Pending } => ApiProblems.Conflict(outcome.Message.Text),
        DraftOutcomeKind.Refused => ApiProblems.Forbidden(outcome.Message.Text),
        _ => ApiProblems.Conflict(outcome.Message.Text),
    };
}
