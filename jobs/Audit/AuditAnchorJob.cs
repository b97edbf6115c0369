using ChatCompliance.Core.Audit;
using Hangfire;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Audit;

/// <summary>
/// Hourly by default (<c>Jobs:AuditAnchorCron</c>): verifies the audit trail and anchors its head in the anchor file and
/// the channels subscribed to audits. An unchanged head is not written or posted again; a broken chain is not anchored.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed partial class AuditAnchorJob(AuditAnchorer anchorer, ILogger<AuditAnchorJob> logger)
{
    public const string RecurringJobId = "audit-anchor";

    public async Task<AuditAnchorResult> RunAsync(CancellationToken cancellationToken)
    {
        var result = await anchorer.AnchorAsync(cancellationToken);
        if (!result.Chain.Intact)
        {
            LogBroken(logger, result.Chain.Summary);
        }
        else if (result.Anchor is { } anchor)
        {
            LogAnchored(logger, anchor.Sequence, anchor.KeyId ?? "none", result.Appended, result.Posted);
        }

        return result;
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Audit trail anchored at entry {Sequence} (key {KeyId}); new line in the anchor file: {Appended}; posted to {Channels} channel(s)")]
    private static partial void LogAnchored(ILogger logger, long sequence, string keyId, bool appended, int channels);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Error, Message = "Audit trail not anchored: the chain is broken: {Problem}")]
    private static partial void LogBroken(ILogger logger, string problem);
}
