using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Controls;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Api.Controls;

/// <summary>A control as the API takes it; <c>code</c> is the company's control id (the CSV's <c>control_id</c>).</summary>
internal sealed record ControlRequest(
    string? Code, string? Title, List<string>? Soc2Refs, List<string>? Iso27001Refs, Guid? OwnerId, string? EvidenceDescription, string? Frequency);

internal sealed record ControlResponse(
    Guid Id, string Code, string Title, IReadOnlyList<string> Soc2Refs, IReadOnlyList<string> Iso27001Refs, Guid? OwnerId, string? OwnerEmail,
    string? EvidenceDescription, string Frequency, DateTimeOffset CreatedAt)
{
    public static ControlResponse From(Control c) =>
        new(c.Id, c.Code, c.Title, c.Soc2Refs, c.Iso27001Refs, c.OwnerId, c.Owner?.Email, c.EvidenceDescription, ControlRules.FrequencyName(c.Frequency), c.CreatedAt);
}

internal sealed record ImportReportResponse(
    bool DryRun, bool Imported, bool Valid, int Rows, IReadOnlyList<string> Created, IReadOnlyList<string> Updated, IReadOnlyList<string> Unchanged,
    IReadOnlyList<string> PeopleCreated, IReadOnlyList<ControlImportError> Errors)
{
    public static ImportReportResponse From(ControlImportReport r) =>
        new(r.DryRun, r.Imported, r.IsValid, r.Rows, r.Created, r.Updated, r.Unchanged, r.PeopleCreated, r.Errors);
}

/// <summary><c>/api/v1/controls</c>: the control register, including CSV import and export.</summary>
internal static class ControlsApi
{
    public static RouteGroupBuilder MapControlsApi(this RouteGroupBuilder api)
    {
        var controls = api.MapGroup("/controls").WithTags("Controls");
        controls.MapGet("/", ListAsync).WithSummary("All controls, ordered by control id");
        controls.MapGet("/{id:guid}", GetAsync).WithSummary("One control");
        controls.MapPost("/", CreateAsync).WithSummary("Create a control");
        controls.MapPut("/{id:guid}", UpdateAsync).WithSummary("Replace a control's fields");
        controls.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Delete a control that has no evidence tasks");
        controls.MapPost("/import", ImportAsync)
            .Accepts<string>("text/csv")
            .WithSummary("Import the register from CSV (columns control_id,title,soc2_refs,iso27001_refs,owner_email,evidence_description,frequency); dryRun=true only reports");
        controls.MapGet("/export", ExportAsync)
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .WithSummary("Export the register as CSV, in the import's columns");
        return api;
    }

    private static async Task<Ok<List<ControlResponse>>> ListAsync(ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var controls = await db.Controls.AsNoTracking().Include(c => c.Owner).ToListAsync(cancellationToken);
        return TypedResults.Ok(controls.OrderBy(c => c.Code, StringComparer.Ordinal).Select(ControlResponse.From).ToList());
    }

    private static async Task<Results<Ok<ControlResponse>, ProblemHttpResult>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var control = await db.Controls.AsNoTracking().Include(c => c.Owner).SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return control is null ? ApiProblems.NotFound("control", id) : TypedResults.Ok(ControlResponse.From(control));
    }

    private static async Task<Results<Created<ControlResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ControlRequest request, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, Catalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var (valid, invalid) = await ValidateAsync(request, db, catalog, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        var control = new Control { Code = valid!.Code, Title = valid.Title, CreatedAt = time.GetUtcNow() };
        if (await ConflictAsync(valid, control.Id, db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        var ownerBefore = valid.Owner is { } o ? ChangeSnapshots.Of(o) : null;
        Apply(valid, control);
        db.Controls.Add(control);
        await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken),
            [new Change("control.created", AuditSubjects.Control, AuditSubjects.Id(control.Id), null, ChangeSnapshots.Of(control)), .. OwnerChange(valid.Owner, ownerBefore)],
            cancellationToken);
        return TypedResults.Created($"{AdminApi.Prefix}/controls/{control.Id}", ControlResponse.From(control));
    }

    private static async Task<Results<Ok<ControlResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, ControlRequest request, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, Catalog catalog, CancellationToken cancellationToken)
    {
        var control = await db.Controls.Include(c => c.Owner).SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (control is null)
        {
            return ApiProblems.NotFound("control", id);
        }

        var (valid, invalid) = await ValidateAsync(request, db, catalog, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (await ConflictAsync(valid!, control.Id, db, cancellationToken) is { } conflict)
        {
            return conflict;
        }

        var before = ChangeSnapshots.Of(control);
        var ownerBefore = valid!.Owner is { } o ? ChangeSnapshots.Of(o) : null;
        Apply(valid, control);
        var after = ChangeSnapshots.Of(control);
        List<Change> changed = [.. OwnerChange(valid.Owner, ownerBefore)];
        if (after != before)
        {
            changed.Insert(0, new Change("control.updated", AuditSubjects.Control, AuditSubjects.Id(control.Id), before, after));
        }

        if (changed.Count > 0)
        {
            await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken), changed, cancellationToken);
        }

        return TypedResults.Ok(ControlResponse.From(control));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        Guid id, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, CancellationToken cancellationToken)
    {
        var control = await db.Controls.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (control is null)
        {
            return ApiProblems.NotFound("control", id);
        }

        if (await db.EvidenceTasks.AnyAsync(t => t.ControlId == id, cancellationToken))
        {
            return ApiProblems.Conflict($"Control {control.Code} has evidence tasks; it cannot be deleted while they exist.");
        }

        var before = ChangeSnapshots.Of(control);
        db.Controls.Remove(control);
        await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken),
            [new Change("control.deleted", AuditSubjects.Control, AuditSubjects.Id(control.Id), before, null)], cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Reads the CSV body (bounded), then validates every row; a real import writes only a file without errors.</summary>
    private static async Task<Results<Ok<ImportReportResponse>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        HttpRequest request, ClaimsPrincipal user, ComplianceDbContext db, ControlRegister register, IOptions<AdminApiOptions> options, bool? dryRun,
        CancellationToken cancellationToken)
    {
        var (body, refusal) = await CsvUpload.ReadAsync(request, options.Value.MaxRequestBytes, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        await using var _ = body;
        var report = await register.ImportAsync(body, dryRun ?? false, await ApiActor.ResolveAsync(user, db, cancellationToken), cancellationToken);
        if (report.IsValid || report.DryRun)
        {
            return TypedResults.Ok(ImportReportResponse.From(report));
        }

        return CsvUpload.RowProblems(report.Errors);
    }

    private static async Task ExportAsync(HttpContext context, ControlRegister register, CancellationToken cancellationToken)
    {
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"controls.csv\"";
        await register.ExportAsync(context.Response.Body, cancellationToken);
    }

    private sealed record ValidControl(string Code, string Title, List<string> Soc2Refs, List<string> Iso27001Refs, Person? Owner, string? EvidenceDescription, EvidenceFrequency Frequency);

    /// <summary>Checks every field (refs against the catalogs, the owner against People); the problem names each bad field.</summary>
    private static async Task<(ValidControl? Valid, ValidationProblem? Invalid)> ValidateAsync(ControlRequest request, ComplianceDbContext db, Catalog catalog, CancellationToken cancellationToken)
    {
        var validation = new ApiValidation()
            .Add("code", ControlRules.CheckCode(request.Code))
            .Add("title", ControlRules.CheckTitle(request.Title))
            .Add("evidenceDescription", ControlRules.CheckEvidenceDescription(request.EvidenceDescription))
            .Add("frequency", ControlRules.CheckFrequency(request.Frequency));
        var (soc2, soc2Errors) = ControlRules.CheckSoc2Refs(request.Soc2Refs ?? [], catalog);
        var (iso, isoErrors) = ControlRules.CheckIso27001Refs(request.Iso27001Refs ?? [], catalog);
        validation.AddAll("soc2Refs", soc2Errors).AddAll("iso27001Refs", isoErrors);
        Person? owner = null;
        if (request.OwnerId is { } ownerId)
        {
            owner = await db.People.SingleOrDefaultAsync(p => p.Id == ownerId, cancellationToken);
            validation.Add("ownerId", owner is null ? $"no person has the id {ownerId}" : owner.IsActive ? null : $"{owner.Email} is inactive");
        }

        if (!validation.IsValid)
        {
            return (null, validation.Problem());
        }

        var frequency = ControlRules.TryParseFrequency(request.Frequency, out var parsed) ? parsed : EvidenceFrequency.OnDemand;
        var evidence = string.IsNullOrWhiteSpace(request.EvidenceDescription) ? null : request.EvidenceDescription.Trim();
        return (new ValidControl(request.Code!.Trim(), request.Title!.Trim(), soc2, iso, owner, evidence, frequency), null);
    }

    /// <summary>Control ids are unique ignoring case, as the CSV import matches them.</summary>
    private static async Task<ProblemHttpResult?> ConflictAsync(ValidControl valid, Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var codes = await db.Controls.Where(c => c.Id != id).Select(c => c.Code).ToListAsync(cancellationToken);
        return codes.Contains(valid.Code, StringComparer.OrdinalIgnoreCase)
            ? ApiProblems.Conflict($"A control with the id '{valid.Code}' already exists.")
            : null;
    }

    /// <summary>The owner's gaining the ControlOwner role, when they gain it.</summary>
    private static IEnumerable<Change> OwnerChange(Person? owner, string? before)
    {
        if (owner is not null && before is not null && ChangeSnapshots.Of(owner) is var after && after != before)
        {
            yield return new Change("person.updated", AuditSubjects.Person, AuditSubjects.Id(owner.Id), before, after, "named as a control's owner");
        }
    }

    private static void Apply(ValidControl valid, Control control)
    {
        control.Code = valid.Code;
        control.Title = valid.Title;
        control.Soc2Refs = valid.Soc2Refs;
        control.Iso27001Refs = valid.Iso27001Refs;
        control.EvidenceDescription = valid.EvidenceDescription;
        control.Frequency = valid.Frequency;
        control.Owner = valid.Owner;
        control.OwnerId = valid.Owner?.Id;
        if (valid.Owner is not null)
        {
            valid.Owner.Roles |= PersonRoles.ControlOwner;
        }
    }
}
