using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Digests;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs.Announcements;

/// <summary>
/// Daily: the audit calendar's countdowns and warnings to subscribed channels (each once per channel). An audit that
/// throws is skipped and logged, the others are announced, and the leads are told.
/// </summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class AuditAnnouncementJob(AuditAnnouncer announcer, CompanyClock clock, ComplianceDbContext db, TimeProvider time, ILogger<AuditAnnouncementJob> logger)
{
    public const string RecurringJobId = "audits-announce";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var failures = new List<JobRowFailure>();
        var queued = await announcer.AnnounceAsync(clock.Today, failures, cancellationToken);
        await JobFailures.ReportAsync(db, logger, "audit announcement", failures, time.GetUtcNow(), cancellationToken);
        return queued;
    }

    /// <summary>A lead's <c>announce &lt;audit&gt; now</c>: the audit's countdown to the subscribed channels at once (once per <paramref name="trigger"/>).</summary>
    public Task<int> RunNowAsync(Core.Domain.Audit audit, string trigger, CancellationToken cancellationToken) =>
        announcer.AnnounceNowAsync(audit, clock.Today, trigger, cancellationToken);
}

/// <summary>Weekly: the digest for compliance-lead channels (once per channel and ISO week, however often it runs).</summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class WeeklyDigestJob(WeeklyDigest digest, CompanyClock clock, IOptions<JobsOptions> options)
{
    public const string RecurringJobId = "digest-weekly";

    public Task<int> RunAsync(CancellationToken cancellationToken) => SendAsync(null, cancellationToken);

    /// <summary>A lead's <c>digest now</c>: this week's digest again at once (once per <paramref name="trigger"/>), whatever the week already had.</summary>
    public Task<int> RunNowAsync(string trigger, CancellationToken cancellationToken) => SendAsync(trigger, cancellationToken);

    private Task<int> SendAsync(string? trigger, CancellationToken cancellationToken) =>
        digest.SendAsync(clock.Today, [.. options.Value.DigestLinks.Where(l => CardLink.IsWebAddress(l.Url)).Select(l => new CardLink(l.Title, l.Url))], trigger, cancellationToken);
}

/// <summary>The company's calendar: today's date and the time zone schedules run in (<c>Chaser:CompanyTimeZone</c>, checked at start).</summary>
public sealed class CompanyClock(TimeProvider time, IOptions<ChaserOptions> options)
{
    public TimeZoneInfo TimeZone { get; } = string.IsNullOrWhiteSpace(options.Value.CompanyTimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(options.Value.CompanyTimeZone);

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZone).DateTime);
}
