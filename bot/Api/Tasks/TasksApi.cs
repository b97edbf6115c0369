using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Controls;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Jobs.Tasks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Api.Tasks;

/// <summary>A new evidence task: <c>control</c> is a control id of the register or a SOC 2 / ISO 27001 reference one control maps to;
/// <c>allowOverdue</c> confirms a due date already past (onboarding an existing programme); without it such a date is 422.</summary>
internal sealed record TaskRequest(string? Control, string? OwnerEmail, DateOnly? DueDate, string? Title, DateOnly? PeriodStart, DateOnly? PeriodEnd, string? DelegateEmail,
    bool AllowOverdue = false);

internal sealed record TaskResponse(
    Guid Id, string ControlCode, string ControlTitle, string Title, string OwnerEmail, string? DelegateEmail, DateOnly DueDate,
    DateOnly? PeriodStart, DateOnly? PeriodEnd, string Status, string? EvidenceUrl, string? EvidenceNote, DateOnly? EvidenceEffectiveFrom,
    DateOnly? EvidenceEffectiveTo, DateTimeOffset? SubmittedAt, DateTimeOffset? DecidedAt, string? DecisionReason, DateOnly? RequestedDueDate,
    int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TaskResponse From(EvidenceTask t) => new(
        t.Id, t.Control?.Code ?? "", t.Control?.Title ?? "", t.Title, t.Owner?.Email ?? "", t.Delegate?.Email, t.DueDate, t.PeriodStart, t.PeriodEnd,
        t.Status.ToString().ToLowerInvariant(), t.EvidenceUrl, t.EvidenceNote, t.EvidenceEffectiveFrom, t.EvidenceEffectiveTo, t.SubmittedAt, t.DecidedAt,
        t.DecisionReason, t.RequestedDueDate, t.Version, t.CreatedAt, t.UpdatedAt);
}

internal sealed record GenerateResponse(int Created, List<TaskResponse> Tasks);

internal sealed record TaskImportResponse(bool DryRun, bool Imported, int Rows, List<TaskResponse> Created, IReadOnlyList<ControlImportError> Errors);

/// <summary><c>/api/v1/tasks</c>: evidence tasks, created here as in chat (audited, the owner gets their card), and read back.</summary>
internal static class TasksApi
{
    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Evidence tasks");
        tasks.MapGet("/", ListAsync).WithSummary("Evidence tasks, soonest due first; filter by status, owner email or control id");
        tasks.MapGet("/{id:guid}", GetAsync).WithSummary("One evidence task");
        tasks.MapPost("/", CreateAsync).WithSummary("Assign an evidence task; the owner gets its card in chat");
        tasks.MapPost("/import", ImportAsync)
            .Accepts<string>("text/csv")
            .WithSummary($"Assign tasks from CSV (columns {string.Join(",", TaskImport.Columns)}; the first three required); dryRun=true only checks; allowOverdue=true accepts past due dates");
        tasks.MapPost("/generate", GenerateAsync).WithSummary("Create this period's tasks from the controls' frequencies (what the daily job does)");
        return api;
    }

    private static async Task<Results<Ok<List<TaskResponse>>, ValidationProblem>> ListAsync(
        ComplianceDbContext db, string? status, string? owner, string? control, CancellationToken cancellationToken)
    {
        var query = db.EvidenceTasks.WithControlAndPeople().AsNoTracking();
        if (status is not null)
        {
            if (!Enum.TryParse<EvidenceTaskStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return new ApiValidation().Add("status", "status is one of open, submitted, accepted, rejected").Problem();
            }

            query = query.Where(t => t.Status == parsed);
        }

        if (owner is not null)
        {
            var email = Person.NormaliseEmail(owner);
            query = query.Where(t => t.Owner!.Email == email);
        }

        var list = await query.ToListAsync(cancellationToken);
        if (control is not null)
        {
            list = [.. list.Where(t => string.Equals(t.Control?.Code, control.Trim(), StringComparison.OrdinalIgnoreCase))];
        }

        return TypedResults.Ok(list.OrderBy(t => t.DueDate).ThenBy(t => t.Title, StringComparer.Ordinal).Select(TaskResponse.From).ToList());
    }

    private static async Task<Results<Ok<TaskResponse>, ProblemHttpResult>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var task = await db.EvidenceTasks.WithControlAndPeople().AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return task is null ? ApiProblems.NotFound("evidence task", id) : TypedResults.Ok(TaskResponse.From(task));
    }

    private static async Task<Results<Created<TaskResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        TaskRequest request, ClaimsPrincipal user, EvidenceTaskService tasks, ComplianceDbContext db,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await ApiActor.ResolveAsync(user, db, cancellationToken);
        var validation = new ApiValidation()
            .Add("control", ApiValidation.Text(request.Control, "control", 64))
            .Add("ownerEmail", string.IsNullOrWhiteSpace(request.OwnerEmail) ? "ownerEmail is required" : null)
            .Add("dueDate", request.DueDate is null ? "dueDate is required" : null)
            .Add("title", ApiValidation.Text(request.Title, "title", NewTask.MaximumTitleLength, required: false));
        var spec = new NewTask(request.Control ?? "", request.OwnerEmail ?? "", request.DueDate ?? default, request.Title,
            request.PeriodStart, request.PeriodEnd, request.DelegateEmail, request.AllowOverdue);
        // The core's rules for a task's fields, asked before the store so that a bad request names every bad field at once
        // (a past due date among them; alone, it asks for a confirmation instead).
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        foreach (var problem in spec.Problems(today))
        {
            if (!validation.Names(problem.Field))
            {
                validation.Add(problem.Field, problem.Reason);
            }
        }

        if (!validation.IsValid && request.DueDate is { } due && !validation.Names("dueDate"))
        {
            validation.Add("dueDate", TaskDueDates.Problem(due, today, request.AllowOverdue)?.Reason);
        }

        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        var outcome = await tasks.CreateAsync(spec, actor, cancellationToken);
        if (outcome.Kind == TaskOutcomeKind.NeedsConfirmation)
        {
            return TaskDueDateApi.Overdue(outcome.Message.Text);
        }

        if (!outcome.Succeeded)
        {
            var problems = new ApiValidation();
            foreach (var problem in outcome.Problems)
            {
                problems.Add(problem.Field, problem.Reason);
            }

            return problems.Problem();
        }

        var created = await db.EvidenceTasks.WithControlAndPeople().AsNoTracking()
            .SingleAsync(t => t.Id == outcome.Task!.Id, cancellationToken);
        return TypedResults.Created($"{AdminApi.Prefix}/tasks/{created.Id}", TaskResponse.From(created));
    }

    private static async Task<Results<Ok<TaskImportResponse>, ValidationProblem, ProblemHttpResult>> ImportAsync(
        HttpRequest request, ClaimsPrincipal user, ComplianceDbContext db, TaskImport import, IOptions<AdminApiOptions> options, bool? dryRun,
        bool? allowOverdue, CancellationToken cancellationToken)
    {
        var (body, refusal) = await CsvUpload.ReadAsync(request, options.Value.MaxRequestBytes, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        await using var _ = body;
        var report = await import.ImportAsync(body, dryRun ?? false, await ApiActor.ResolveAsync(user, db, cancellationToken), allowOverdue ?? false, cancellationToken);
        if (!report.IsValid && !report.DryRun)
        {
            return CsvUpload.RowProblems(report.Errors);
        }

        return TypedResults.Ok(new TaskImportResponse(report.DryRun, report.Imported, report.Rows, [.. report.Created.Select(TaskResponse.From)], report.Errors));
    }


    private static async Task<Ok<GenerateResponse>> GenerateAsync(TaskGenerationJob job, CancellationToken cancellationToken)
    {
        var created = await job.GenerateAsync(cancellationToken);
        return TypedResults.Ok(new GenerateResponse(created.Count, [.. created.OrderBy(t => t.DueDate).ThenBy(t => t.Title, StringComparer.Ordinal).Select(TaskResponse.From)]));
    }
}
