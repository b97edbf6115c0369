using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

using ChatCompliance.Core.Announcements;

namespace ChatCompliance.Bot.Api.Audits;

/// <summary>An audit as the API takes it: the kind (which implies the framework), its name and dates.</summary>
internal sealed record AuditRequest(
    string? Kind, string? Framework, string? Name, DateOnly? StartsOn, DateOnly? EndsOn, DateOnly? PeriodStart, DateOnly? PeriodEnd,
    DateOnly? FieldworkStart, DateOnly? FieldworkEnd, DateOnly? CertificateExpiresOn, string? Auditor);

internal sealed record AuditResponse(
    Guid Id, string Kind, string Framework, string Name, DateOnly StartsOn, DateOnly? EndsOn, DateOnly? PeriodStart, DateOnly? PeriodEnd,
    DateOnly? FieldworkStart, DateOnly? FieldworkEnd, DateOnly? CertificateExpiresOn, string? Auditor, DateTimeOffset CreatedAt)
{
    public static AuditResponse From(Audit a) => new(
        a.Id, AuditsApi.KindNames[a.Kind], AuditsApi.FrameworkNames[a.Framework], a.Name, a.StartsOn, a.EndsOn, a.PeriodStart, a.PeriodEnd,
        a.FieldworkStart, a.FieldworkEnd, a.CertificateExpiresOn, a.Auditor, a.CreatedAt);
}

/// <summary><c>/api/v1/audits</c>: the external audits on the calendar, which drive the announcements and countdowns.</summary>
internal static class AuditsApi
{
    public static IReadOnlyDictionary<AuditKind, string> KindNames => AuditCalendar.KindNames;

    public static IReadOnlyDictionary<Framework, string> FrameworkNames => AuditCalendar.FrameworkNames;

    public static RouteGroupBuilder MapAuditsApi(this RouteGroupBuilder api)
    {
        var audits = api.MapGroup("/audits").WithTags("Audits");
        audits.MapGet("/", ListAsync).WithSummary("All audits, soonest first");
        audits.MapGet("/{id:guid}", GetAsync).WithSummary("One audit");
        audits.MapPost("/", CreateAsync).WithSummary("Put an audit on the calendar");
        audits.MapPut("/{id:guid}", UpdateAsync).WithSummary("Replace an audit's fields");
        audits.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Take an audit off the calendar");
        return api;
    }

    private static async Task<Ok<List<AuditResponse>>> ListAsync(ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var audits = await db.Audits.AsNoTracking().ToListAsync(cancellationToken);
        return TypedResults.Ok(audits.OrderBy(a => a.StartsOn).ThenBy(a => a.Name, StringComparer.Ordinal).Select(AuditResponse.From).ToList());
    }

    private static async Task<Results<Ok<AuditResponse>, ProblemHttpResult>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var audit = await db.Audits.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        return audit is null ? ApiProblems.NotFound("audit", id) : TypedResults.Ok(AuditResponse.From(audit));
    }

    private static async Task<Results<Created<AuditResponse>, ValidationProblem>> CreateAsync(
        AuditRequest request, ClaimsPrincipal user, ComplianceDbContext db, AuditBookings calendar, CancellationToken cancellationToken)
    {
        var outcome = await calendar.AddAsync(Spec(request), await ActorAsync(user, db, cancellationToken), cancellationToken);
        return outcome.Audit is { } audit
            ? TypedResults.Created($"{AdminApi.Prefix}/audits/{audit.Id}", AuditResponse.From(audit))
            : Invalid(outcome.Problems);
    }

    private static async Task<Results<Ok<AuditResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, AuditRequest request, ClaimsPrincipal user, ComplianceDbContext db, AuditBookings calendar, CancellationToken cancellationToken)
    {
        var outcome = await calendar.ChangeAsync(id, Spec(request), await ActorAsync(user, db, cancellationToken), cancellationToken);
        return outcome.NotFound ? ApiProblems.NotFound("audit", id)
            : outcome.Audit is { } audit ? TypedResults.Ok(AuditResponse.From(audit))
            : Invalid(outcome.Problems);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal user, ComplianceDbContext db, AuditBookings calendar, CancellationToken cancellationToken)
    {
        var outcome = await calendar.RemoveAsync(id, await ActorAsync(user, db, cancellationToken), cancellationToken);
        return outcome.NotFound ? ApiProblems.NotFound("audit", id) : TypedResults.NoContent();
    }

    /// <summary>The endpoints' authorization has already established a lead or an admin.</summary>
    private static async Task<Core.Tasks.TaskActor> ActorAsync(ClaimsPrincipal user, ComplianceDbContext db, CancellationToken cancellationToken) =>
        await ApiActor.ResolveAsync(user, db, cancellationToken) with { ActsAsLead = true };

    private static AuditSpec Spec(AuditRequest request) =>
        new(request.Kind, request.Framework, request.Name, request.StartsOn, request.EndsOn, request.PeriodStart,
            request.PeriodEnd, request.FieldworkStart, request.FieldworkEnd, request.CertificateExpiresOn, request.Auditor);

    private static ValidationProblem Invalid(IReadOnlyList<(string Field, string Reason)> problems)
    {
        var validation = new ApiValidation();
        foreach (var (field, reason) in problems)
        {
            validation.Add(field, reason);
        }

        return validation.Problem();
    }
}
