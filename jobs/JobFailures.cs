using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs;

/// <summary>Rows a job skipped: each is logged as a warning, and the leads get one card through the outbox.</summary>
internal static partial class JobFailures
{
    public static async Task ReportAsync(ComplianceDbContext db, ILogger logger, string job, IReadOnlyList<JobRowFailure> failures, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var failure in failures)
        {
            LogSkipped(logger, job, failure.Row, failure.Error);
        }

        await JobRowFailures.TellLeadsAsync(db, job, failures, now, cancellationToken);
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Warning, Message = "Job {Job} skipped {Row}: {Error}")]
    private static partial void LogSkipped(ILogger logger, string job, string row, string error);
}
