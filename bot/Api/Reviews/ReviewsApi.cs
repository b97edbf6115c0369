using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Api.Reviews;

/// <summary>A new access review of an Entra ID group or an enterprise application (kind <c>group</c> or <c>app</c>).</summary>
internal sealed record CampaignRequest(
    string? Name, string? Kind, string? ResourceId, string? Reviewers, DateOnly? DueDate, string? ResourceOwnerEmail, List<string>? NamedReviewers,
    string? FallbackReviewerEmail, DateOnly? PeriodStart, DateOnly? PeriodEnd, string? Recurrence, string? UndecidedRule, bool? RemoveThroughGraph);

internal sealed record CampaignResponse(
    Guid Id, string Name, string Kind, string ResourceId, string? ResourceName, string Reviewers, DateOnly PeriodStart, DateOnly PeriodEnd,
    DateOnly DueDate, string Recurrence, string UndecidedRule, bool RemoveThroughGraph, string Status, DateTimeOffset? SnapshotAt,
    string? LaunchError, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, CampaignProgress Progress)
{
    public static CampaignResponse From(AccessReviewCampaign c, CampaignProgress progress) => new(
        c.Id, c.Name, ReviewsApi.KindName(c.ResourceKind), c.ResourceId, c.ResourceName, ReviewsApi.RuleName(c.ReviewerRule), c.PeriodStart, c.PeriodEnd,
        c.DueDate, c.Recurrence.ToString().ToLowerInvariant(), c.UndecidedRule == Core.Domain.UndecidedRule.NoChange ? "no_change" : "apply_recommendation",
        c.RemoveThroughGraph, c.Status.ToString().ToLowerInvariant(), c.SnapshotAt, c.LaunchError, c.CreatedAt, c.CompletedAt, progress);
}

/// <summary>
/// <c>/api/v1/reviews</c>: access-review campaigns, started here as in chat (from Graph, or from a CSV of accounts for
/// any other system), their progress, closing them, and the auditor's report.
/// </summary>
internal static class ReviewsApi
{
    public static RouteGroupBuilder MapReviewsApi(this RouteGroupBuilder api)
    {
        var reviews = api.MapGroup("/reviews").WithTags("Access reviews");
        reviews.MapGet("/", ListAsync).WithSummary("Access-review campaigns, newest first, with their progress");
        reviews.MapGet("/{id:guid}", GetAsync).WithSummary("One campaign with its progress");
        reviews.MapPost("/", CreateAsync).WithSummary("Start an access review of an Entra ID group or enterprise application (population read from Microsoft Graph)");
        reviews.MapPost("/csv", CreateFromCsvAsync)
            .Accepts<string>("text/csv")
            .WithSummary($"Start an access review of another system from CSV (columns {string.Join(",", PopulationCsv.Columns)}; the first three required); name, system, dueDate, ownerEmail, reviewers and namedReviewers (comma-separated emails) in the query");
        reviews.MapPost("/{id:guid}/launch", LaunchAsync).WithSummary("Try again to start a draft campaign (after its launch failed)");
        reviews.MapPost("/{id:guid}/complete", CompleteAsync).WithSummary("Close a running campaign now, with its rule for undecided accounts");
        reviews.MapGet("/{id:guid}/report", ReportAsync).WithSummary("The auditor's report: population snapshot, every decision, removals, audit-chain head; format csv|json");
        return api;
    }

    internal static string KindName(ReviewResourceKind kind) => kind switch
    {
        ReviewResourceKind.EntraGroup => "group",
        ReviewResourceKind.EnterpriseApplication => "app",
        _ => "csv",
    };

    internal static string RuleName(ReviewerRule rule) => rule switch
    {
        ReviewerRule.ResourceOwner => "owner",
        ReviewerRule.Manager => "manager",
        _ => "named",
    };

    private static async Task<Ok<List<CampaignResponse>>> ListAsync(ComplianceDbContext db, CampaignCompletion completion, CancellationToken cancellationToken)
    {
        var campaigns = await db.AccessReviewCampaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).Take(200).ToListAsync(cancellationToken);
        var list = new List<CampaignResponse>(campaigns.Count);
        foreach (var campaign in campaigns)
        {
            list.Add(CampaignResponse.From(campaign, await completion.ProgressAsync(campaign.Id, cancellationToken)));
        }

        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> GetAsync(Guid id, ComplianceDbContext db, CampaignCompletion completion, CancellationToken cancellationToken)
    {
        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return campaign is null ? ApiProblems.NotFound("access review", id) : TypedResults.Ok(CampaignResponse.From(campaign, await completion.ProgressAsync(id, cancellationToken)));
    }

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CampaignRequest request, ClaimsPrincipal user, CampaignLauncher launcher, CampaignCompletion completion, TimeProvider time, CancellationToken cancellationToken)
    {
        var validation = Validate(request, time)
            .Add("kind", request.Kind is "group" or "app" ? null : "kind is group or app (use POST /reviews/csv for other systems)")
            .Add("resourceId", Guid.TryParse(request.ResourceId, out _) ? null : "resourceId is the group's or enterprise application's object id (a GUID)");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        var kind = request.Kind == "group" ? ReviewResourceKind.EntraGroup : ReviewResourceKind.EnterpriseApplication;
        var outcome = await launcher.CreateAsync(Spec(request, kind, request.ResourceId!), Actor(user), cancellationToken: cancellationToken);
        return await AnswerAsync(outcome, completion, cancellationToken);
    }

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem, ProblemHttpResult>> CreateFromCsvAsync(
        HttpRequest http, ClaimsPrincipal user, CampaignLauncher launcher, CampaignCompletion completion, TimeProvider time, IOptions<AdminApiOptions> options,
        string? name, string? system, DateOnly? dueDate, string? ownerEmail, string? reviewers, string? namedReviewers, string? fallbackReviewerEmail,
        string? undecidedRule, CancellationToken cancellationToken)
    {
        // Named reviewers in the query, comma-separated (reviewers=named&namedReviewers=ann@example.com,bo@example.com).
        var named = namedReviewers?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var request = new CampaignRequest(name, "csv", system, reviewers, dueDate, ownerEmail, named, fallbackReviewerEmail, null, null, null, undecidedRule, false);
        var validation = Validate(request, time).Add("system", ApiValidation.Text(system, "system", 200));
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        var (body, refusal) = await CsvUpload.ReadAsync(http, options.Value.MaxRequestBytes, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        await using var _ = body;
        var (accounts, errors) = await PopulationCsv.ReadAsync(body, cancellationToken);
        if (errors.Count > 0)
        {
            return CsvUpload.RowProblems(errors);
        }

        var outcome = await launcher.CreateAsync(Spec(request, ReviewResourceKind.CsvAccounts, system!.Trim()), Actor(user), accounts, cancellationToken);
        return await AnswerAsync(outcome, completion, cancellationToken);
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> LaunchAsync(
        Guid id, ClaimsPrincipal user, CampaignLauncher launcher, CampaignCompletion completion, CancellationToken cancellationToken)
    {
        var outcome = await launcher.LaunchAsync(id, Actor(user), cancellationToken: cancellationToken);
        return outcome.Kind switch
        {
            ReviewOutcomeKind.Done => TypedResults.Ok(CampaignResponse.From(outcome.Campaign!, await completion.ProgressAsync(id, cancellationToken))),
            ReviewOutcomeKind.NotFound => ApiProblems.NotFound("access review", id),
            ReviewOutcomeKind.Failed => DirectoryProblem(outcome),
            _ => ApiProblems.Conflict(outcome.Message.Text),
        };
    }

    private static async Task<Results<Ok<CampaignResponse>, ProblemHttpResult>> CompleteAsync(
        Guid id, ClaimsPrincipal user, CampaignCompletion completion, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var outcome = await completion.CompleteAsync(id, "closed by a compliance lead", Actor(user), cancellationToken);
        if (outcome.Kind == ReviewOutcomeKind.NotFound)
        {
            return ApiProblems.NotFound("access review", id);
        }

        if (!outcome.Succeeded)
        {
            return ApiProblems.Conflict(outcome.Message.Text);
        }

        var campaign = await db.AccessReviewCampaigns.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken);
        return TypedResults.Ok(CampaignResponse.From(campaign, await completion.ProgressAsync(id, cancellationToken)));
    }

    private static async Task<IResult> ReportAsync(Guid id, HttpContext http, CampaignReporter reporter, string? format, CancellationToken cancellationToken)
    {
        if (format is not (null or "csv" or "json"))
        {
            return new ApiValidation().Add("format", "format is csv or json").Problem();
        }

        var report = await reporter.BuildAsync(id, cancellationToken);
        if (report is null)
        {
            return ApiProblems.NotFound("access review", id);
        }

        return await ApiDownloads.WriteAsync(http, $"access-review-{id:D}", format,
            (stream, ct) => CampaignReporter.WriteJsonAsync(report, stream, ct), (writer, ct) => CampaignReporter.WriteCsvAsync(report, writer, ct), cancellationToken);
    }

    private static ApiValidation Validate(CampaignRequest request, TimeProvider time)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return new ApiValidation()
            .Add("name", ApiValidation.Text(request.Name, "name", 200, required: false))
            .Add("reviewers", request.Reviewers is null or "owner" or "manager" or "named" ? null : "reviewers is owner, manager or named")
            .Add("namedReviewers", request.Reviewers == "named" && request.NamedReviewers is not { Count: > 0 } ? "namedReviewers is required when reviewers is named" : null)
            .AddAll("namedReviewers", (request.NamedReviewers ?? []).Where(e => !EmailAddress.IsValid(e)).Select(e => $"'{e}' is not an email address"))
            .Add("dueDate", request.DueDate is null ? "dueDate is required" : request.DueDate < today ? "dueDate is in the past" : null)
            .Add("resourceOwnerEmail", request.ResourceOwnerEmail is null || EmailAddress.IsValid(request.ResourceOwnerEmail) ? null : "resourceOwnerEmail is not an email address")
            .Add("fallbackReviewerEmail", request.FallbackReviewerEmail is null || EmailAddress.IsValid(request.FallbackReviewerEmail) ? null : "fallbackReviewerEmail is not an email address")
            .Add("periodEnd", request.PeriodStart > request.PeriodEnd ? "periodEnd is before periodStart" : null)
            .Add("recurrence", request.Recurrence is null || Enum.TryParse<Recurrence>(request.Recurrence, ignoreCase: true, out var r) && Enum.IsDefined(r)
                ? null : "recurrence is none, monthly, quarterly, semiannual or annual")
            .Add("undecidedRule", request.UndecidedRule is null or "no_change" or "apply_recommendation" ? null : "undecidedRule is no_change or apply_recommendation");
    }

    private static NewCampaign Spec(CampaignRequest request, ReviewResourceKind kind, string resource) => new(
        string.IsNullOrWhiteSpace(request.Name) ? CampaignLauncher.DefaultName(resource) : request.Name.Trim(),
        kind,
        resource,
        request.Reviewers switch { "manager" => ReviewerRule.Manager, "named" => ReviewerRule.NamedPeople, _ => ReviewerRule.ResourceOwner },
        request.DueDate!.Value,
        request.ResourceOwnerEmail,
        request.NamedReviewers,
        request.FallbackReviewerEmail,
        request.PeriodStart,
        request.PeriodEnd,
        request.Recurrence is null ? Recurrence.Quarterly : Enum.Parse<Recurrence>(request.Recurrence, ignoreCase: true),
        request.UndecidedRule == "apply_recommendation" ? UndecidedRule.ApplyRecommendation : UndecidedRule.NoChange,
        request.RemoveThroughGraph ?? false);

    private static async Task<Results<Created<CampaignResponse>, ValidationProblem, ProblemHttpResult>> AnswerAsync(
        ReviewOutcome outcome, CampaignCompletion completion, CancellationToken cancellationToken) => outcome.Kind switch
        {
            ReviewOutcomeKind.Done => TypedResults.Created($"{AdminApi.Prefix}/reviews/{outcome.Campaign!.Id}",
                CampaignResponse.From(outcome.Campaign, await completion.ProgressAsync(outcome.Campaign.Id, cancellationToken))),
            ReviewOutcomeKind.Failed => DirectoryProblem(outcome),
            _ => new ApiValidation().Add("campaign", outcome.Message.Text).Problem(),
        };

    /// <summary>The directory refused or failed: 502 with the lead's plain-words reason; the draft stays for another launch.</summary>
    private static ProblemHttpResult DirectoryProblem(ReviewOutcome outcome) => TypedResults.Problem(
        outcome.Campaign?.LaunchError ?? outcome.Message.Text, statusCode: StatusCodes.Status502BadGateway, title: "The directory could not be read",
        extensions: outcome.Campaign is { } draft ? new Dictionary<string, object?> { ["campaignId"] = draft.Id } : null);

    private static TaskActor Actor(ClaimsPrincipal user) => new(null, Platform.Api, AdminApiAuthentication.CallerName(user));
}
