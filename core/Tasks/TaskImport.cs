using ChatCompliance.Core.Outbox;
using System.Globalization;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Controls;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;

namespace ChatCompliance.Core.Tasks;

/// <summary>What a task import did, or would do on a dry run; nothing is written unless every row is good.</summary>
public sealed record TaskImportReport(bool DryRun, bool Imported, int Rows, IReadOnlyList<EvidenceTask> Created, IReadOnlyList<ControlImportError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Evidence tasks from CSV (UTF-8, a header naming the columns in any order): <c>control</c> (a control id or a
/// SOC 2 / ISO 27001 reference one control maps to), <c>owner_email</c>, <c>due_date</c> (yyyy-mm-dd), and the
/// optional <c>title</c>, <c>period_start</c>, <c>period_end</c>, <c>delegate_email</c>. Every row is checked first;
/// then all are created in one transaction (each audited), or none. A due date in the past is refused unless the
/// import confirms overdue tasks (<c>allowOverdue</c>), for onboarding an existing programme.
/// </summary>
public sealed class TaskImport(ComplianceDbContext db, EvidenceTaskService tasks, TimeProvider time, OutboxSignal outbox)
{
    public const string Control = "control";
    public const string OwnerEmail = "owner_email";
    public const string DueDate = "due_date";
    public const string Title = "title";
    public const string PeriodStart = "period_start";
    public const string PeriodEnd = "period_end";
    public const string DelegateEmail = "delegate_email";

    public static IReadOnlyList<string> Required { get; } = [Control, OwnerEmail, DueDate];

    public static IReadOnlyList<string> Columns { get; } = [Control, OwnerEmail, DueDate, Title, PeriodStart, PeriodEnd, DelegateEmail];

    private const int MaxRecordBytes = 64 * 1024;

    public async Task<TaskImportReport> ImportAsync(Stream csv, bool dryRun, TaskActor actor, bool allowOverdue = false, CancellationToken cancellationToken = default)
    {
        var (rows, count, errors) = await ParseAsync(csv, allowOverdue, cancellationToken);
        foreach (var (line, spec) in rows)
        {
            var (control, problem) = await tasks.FindControlAsync(spec.Control, cancellationToken);
            if (control is null)
            {
                errors.Add(new(line, Control, problem!.Text));
            }
        }

        if (errors.Count > 0 || dryRun)
        {
            return new TaskImportReport(dryRun, false, count, [], [.. errors.OrderBy(e => e.Line)]);
        }

        var created = await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            var made = new List<EvidenceTask>();
            foreach (var (line, spec) in rows)
            {
                var outcome = await tasks.CreateAsync(spec, actor, cancellationToken: ct);
                made.Add(outcome.Task ?? throw new InvalidOperationException($"line {line}: {outcome.Message}"));
            }

            return made;
        }, cancellationToken);
        outbox.Nudge(); // the owners' cards were queued with their tasks
        return new TaskImportReport(false, true, count, created, []);
    }

    private async Task<(List<(int Line, NewTask Spec)> Rows, int Count, List<ControlImportError> Errors)> ParseAsync(Stream input, bool allowOverdue, CancellationToken cancellationToken)
    {
        var rows = new List<(int, NewTask)>();
        var errors = new List<ControlImportError>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var count = await CsvImportReader.ReadAsync(input, Columns, Required, MaxRecordBytes, errors, csvRow =>
        {
            var line = csvRow.Line;
            string? Field(string column) => csvRow.Field(column);
            var before = errors.Count;
            void Check(string column, string? reason)
            {
                if (reason is not null)
                {
                    errors.Add(new(line, column, reason));
                }
            }

            DateOnly? Date(string column)
            {
                var text = Field(column);
                if (text is null)
                {
                    return null;
                }

                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return date;
                }

                Check(column, $"'{text}' is not a date as yyyy-mm-dd");
                return null;
            }

            var control = Field(Control);
            Check(Control, control is null ? "a control id or SOC 2 / ISO 27001 reference is required" : control.Length > 64 ? "longer than 64 characters" : null);
            var owner = Field(OwnerEmail);
            Check(OwnerEmail, owner is null ? "the owner's email is required" : EmailAddress.IsValid(owner) ? null : $"'{owner}' is not an email address");
            var delegateEmail = Field(DelegateEmail);
            Check(DelegateEmail, delegateEmail is null || EmailAddress.IsValid(delegateEmail) ? null : $"'{delegateEmail}' is not an email address");
            var due = Date(DueDate);
            Check(DueDate, Field(DueDate) is null ? "the due date is required"
                : due is { } given && TaskDueDates.Problem(given, today, allowOverdue) is { } problem
                    ? problem.Kind == TaskOutcomeKind.NeedsConfirmation ? $"{given:yyyy-MM-dd} is in the past (import with allowOverdue=true to create overdue tasks)" : problem.Reason
                    : null);
            var title = Field(Title);
            Check(Title, title is { Length: > 300 } ? "longer than 300 characters" : null);
            var (start, end) = (Date(PeriodStart), Date(PeriodEnd));
            Check(PeriodEnd, start > end ? "the period ends before it starts" : null);
            if (errors.Count == before && due is { } dueDate)
            {
                rows.Add((line, new NewTask(control!, owner!, dueDate, title, start, end, delegateEmail, allowOverdue)));
            }

            return true;
        }, cancellationToken);

        return (rows, count, errors);
    }
}
