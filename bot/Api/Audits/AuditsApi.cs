using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Audit;
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
        AuditRequest request, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, TimeProvider time, CancellationToken cancellationToken)
    {
        var audit = new Audit { Name = "", CreatedAt = time.GetUtcNow() };
        if (Apply(request, audit) is { } invalid)
        {
            return invalid;
        }

        db.Audits.Add(audit);
        await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken),
            [new Change("calendar.audit_added", AuditSubjects.CalendarAudit, AuditSubjects.Id(audit.Id), null, ChangeSnapshots.Of(audit))], cancellationToken);
        return TypedResults.Created($"{AdminApi.Prefix}/audits/{audit.Id}", AuditResponse.From(audit));
    }

    private static async Task<Results<Ok<AuditResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, AuditRequest request, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, CancellationToken cancellationToken)
    {
        var audit = await db.Audits.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (audit is null)
        {
            return ApiProblems.NotFound("audit", id);
        }

        var before = ChangeSnapshots.Of(audit);
        if (Apply(request, audit) is { } invalid)
        {
            return invalid;
        }

        if (ChangeSnapshots.Of(audit) is var after && after != before)
        {
            await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken),
                [new Change("calendar.audit_changed", AuditSubjects.CalendarAudit, AuditSubjects.Id(audit.Id), before, after)], cancellationToken);
        }

        return TypedResults.Ok(AuditResponse.From(audit));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, CancellationToken cancellationToken)
    {
        var audit = await db.Audits.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (audit is null)
        {
            return ApiProblems.NotFound("audit", id);
        }

        var before = ChangeSnapshots.Of(audit);
        db.Audits.Remove(audit);
        await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken),
            [new Change("calendar.audit_removed", AuditSubjects.CalendarAudit, AuditSubjects.Id(audit.Id), before, null)], cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Checks the request with the calendar's rules and copies it on; null when applied.</summary>
    private static ValidationProblem? Apply(AuditRequest request, Audit audit)
    {
        var errors = AuditCalendar.Apply(new AuditSpec(request.Kind, request.Framework, request.Name, request.StartsOn, request.EndsOn, request.PeriodStart,
            request.PeriodEnd, request.FieldworkStart, request.FieldworkEnd, request.CertificateExpiresOn, request.Auditor), audit);
        if (errors.Count == 0)
        {
            return null;
        }

        var validation = new ApiValidation();
        foreach (var (field, reason) in errors)
        {
            validation.Add(field, reason);
        }

        return validation.Problem();
    }
}
