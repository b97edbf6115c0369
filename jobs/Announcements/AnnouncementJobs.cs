using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Digests;
using Hangfire;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs.Announcements;

/// <summary>Daily: the audit calendar's countdowns and warnings to subscribed channels (each once per channel).</summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class AuditAnnouncementJob(AuditAnnouncer announcer, CompanyClock clock)
{
    public const string RecurringJobId = "audits-announce";

    public Task<int> RunAsync(CancellationToken cancellationToken) => announcer.AnnounceAsync(clock.Today, cancellationToken);
}

/// <summary>Weekly: the digest for compliance-lead channels (once per channel and ISO week, however often it runs).</summary>
[DisableConcurrentExecution(timeoutInSeconds: 600)]
public sealed class WeeklyDigestJob(WeeklyDigest digest, CompanyClock clock, IOptions<JobsOptions> options)
{
    public const string RecurringJobId = "digest-weekly";

    public Task<int> RunAsync(CancellationToken cancellationToken) =>
        digest.SendAsync(clock.Today, [.. options.Value.DigestLinks.Where(l => CardLink.IsWebAddress(l.Url)).Select(l => new CardLink(l.Title, l.Url))], cancellationToken);
}

/// <summary>The company's calendar: today's date and the time zone schedules run in (<c>Chaser:CompanyTimeZone</c>, checked at start).</summary>
public sealed class CompanyClock(TimeProvider time, IOptions<ChaserOptions> options)
{
    public TimeZoneInfo TimeZone { get; } = string.IsNullOrWhiteSpace(options.Value.CompanyTimeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(options.Value.CompanyTimeZone);

    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZone).DateTime);
}
