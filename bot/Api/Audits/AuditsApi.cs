using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

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
    private const int MaxName = 200;
    private const int MaxAuditor = 200;

    public static readonly IReadOnlyDictionary<AuditKind, string> KindNames = new Dictionary<AuditKind, string>
    {
        [AuditKind.Soc2Type1] = "soc2-type1",
        [AuditKind.Soc2Type2] = "soc2-type2",
        [AuditKind.Iso27001Stage1] = "iso27001-stage1",
        [AuditKind.Iso27001Stage2] = "iso27001-stage2",
        [AuditKind.Iso27001Surveillance] = "iso27001-surveillance",
        [AuditKind.Iso27001Recertification] = "iso27001-recertification",
    };

    public static readonly IReadOnlyDictionary<Framework, string> FrameworkNames = new Dictionary<Framework, string>
    {
        [Framework.Soc2] = "soc2",
        [Framework.Iso27001] = "iso27001",
    };

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
        AuditRequest request, ComplianceDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var audit = new Audit { Name = "", CreatedAt = time.GetUtcNow() };
        if (Apply(request, audit) is { } invalid)
        {
            return invalid;
        }

        db.Audits.Add(audit);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"{AdminApi.Prefix}/audits/{audit.Id}", AuditResponse.From(audit));
    }

    private static async Task<Results<Ok<AuditResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, AuditRequest request, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var audit = await db.Audits.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (audit is null)
        {
            return ApiProblems.NotFound("audit", id);
        }

        if (Apply(request, audit) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(AuditResponse.From(audit));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var audit = await db.Audits.SingleOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (audit is null)
        {
            return ApiProblems.NotFound("audit", id);
        }

        db.Audits.Remove(audit);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Checks the request as a whole (dates in order, fields that fit the kind) and copies it on; null when applied.</summary>
    private static ValidationProblem? Apply(AuditRequest request, Audit audit)
    {
        var validation = new ApiValidation();
        var kind = KindNames.FirstOrDefault(k => string.Equals(k.Value, request.Kind?.Trim(), StringComparison.OrdinalIgnoreCase)).Key;
        var knownKind = request.Kind is not null && KindNames.Values.Contains(request.Kind.Trim(), StringComparer.OrdinalIgnoreCase);
        validation.Add("kind", string.IsNullOrWhiteSpace(request.Kind) ? $"kind is required: one of {string.Join(", ", KindNames.Values)}"
            : knownKind ? null : $"'{request.Kind.Trim()}' is not an audit kind: use one of {string.Join(", ", KindNames.Values)}");
        var framework = kind is AuditKind.Soc2Type1 or AuditKind.Soc2Type2 ? Framework.Soc2 : Framework.Iso27001;
        if (knownKind && !string.IsNullOrWhiteSpace(request.Framework) && !string.Equals(request.Framework.Trim(), FrameworkNames[framework], StringComparison.OrdinalIgnoreCase))
        {
            validation.Add("framework", $"a {KindNames[kind]} audit belongs to {FrameworkNames[framework]} (the framework may be left out)");
        }

        validation.Add("name", ApiValidation.Text(request.Name, "name", MaxName));
        validation.Add("auditor", ApiValidation.Text(request.Auditor, "auditor", MaxAuditor, required: false));
        validation.Add("startsOn", request.StartsOn is null ? "startsOn is required: the as-of date, or the first day of fieldwork or of the audit" : null);
        validation.Add("endsOn", NotBefore(request.EndsOn, request.StartsOn, "endsOn", "startsOn"));
        validation.Add("fieldworkEnd", NotBefore(request.FieldworkEnd, request.FieldworkStart, "fieldworkEnd", "fieldworkStart"));

        var hasPeriod = request.PeriodStart is not null || request.PeriodEnd is not null;
        if (knownKind && kind == AuditKind.Soc2Type2)
        {
            validation.Add("periodStart", request.PeriodStart is null ? "a SOC 2 Type 2 audit needs its observation period (periodStart and periodEnd)" : null);
            validation.Add("periodEnd", request.PeriodEnd is null ? "a SOC 2 Type 2 audit needs its observation period (periodStart and periodEnd)" : null);
            validation.Add("periodEnd", NotBefore(request.PeriodEnd, request.PeriodStart, "periodEnd", "periodStart"));
        }
        else if (knownKind && hasPeriod)
        {
            validation.Add("periodStart", "only a SOC 2 Type 2 audit has an observation period");
        }

        if (knownKind && framework == Framework.Soc2 && request.CertificateExpiresOn is not null)
        {
            validation.Add("certificateExpiresOn", "a SOC 2 report is not a certificate: only ISO/IEC 27001 audits have a certificate expiry");
        }

        validation.Add("certificateExpiresOn", NotBefore(request.CertificateExpiresOn, request.StartsOn, "certificateExpiresOn", "startsOn"));
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        audit.Kind = kind;
        audit.Framework = framework;
        audit.Name = request.Name!.Trim();
        audit.StartsOn = request.StartsOn!.Value;
        audit.EndsOn = request.EndsOn;
        audit.PeriodStart = request.PeriodStart;
        audit.PeriodEnd = request.PeriodEnd;
        audit.FieldworkStart = request.FieldworkStart;
        audit.FieldworkEnd = request.FieldworkEnd;
        audit.CertificateExpiresOn = request.CertificateExpiresOn;
        audit.Auditor = string.IsNullOrWhiteSpace(request.Auditor) ? null : request.Auditor.Trim();
        return null;
    }

    private static string? NotBefore(DateOnly? later, DateOnly? earlier, string laterName, string earlierName) =>
        later is not null && earlier is not null && later < earlier ? $"{laterName} is before {earlierName}" : null;
}
