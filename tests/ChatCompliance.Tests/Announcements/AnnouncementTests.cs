using System.Text;
using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Digests;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Integrations.Teams.Cards;
using ChatCompliance.Tests.Cards;
using ChatCompliance.Tests.Infrastructure;
using ChatCompliance.Tests.Slack;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Jobs.Announcements;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Announcements;

public sealed class SqliteAnnouncementTests : AnnouncementTests<SqliteTestStore>;

public sealed class PostgresAnnouncementTests : AnnouncementTests<PostgresTestStore>;

/// <summary>
/// Audit countdowns, certificate and report warnings, and the weekly digest, queued for subscribed channels: the
/// same tests on each provider. The #compliance Slack channel subscribes to both; a Teams channel to audits only.
/// </summary>
public abstract class AnnouncementTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private static readonly DateOnly Today = new(2026, 11, 30);

    private readonly TStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    private readonly Person _olivia = new() { Email = "olivia@example.com", DisplayName = "Olivia Owner", CreatedAt = DateTimeOffset.UnixEpoch };
    private readonly Person _pete = new() { Email = "pete@example.com", DisplayName = "Pete Owner", CreatedAt = DateTimeOffset.UnixEpoch };
    private readonly ConversationReference _slackChannel = new() { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = "C-COMPLIANCE", UpdatedAt = DateTimeOffset.UnixEpoch };
    private readonly ConversationReference _teamsChannel = new() { Platform = Platform.Teams, Scope = ConversationScope.Channel, ConversationId = "19:audits@thread.tacv2", ServiceUrl = "https://smba.example/", UpdatedAt = DateTimeOffset.UnixEpoch };

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync();
        await using var db = _store.NewContext();
        await db.Database.MigrateAsync();
        db.People.AddRange(_olivia, _pete);
        db.ConversationReferences.AddRange(_slackChannel, _teamsChannel);
        db.ChannelSubscriptions.AddRange(
            new ChannelSubscription { ConversationReferenceId = _slackChannel.Id, Topic = SubscriptionTopic.Audits, CreatedAt = DateTimeOffset.UnixEpoch },
            new ChannelSubscription { ConversationReferenceId = _slackChannel.Id, Topic = SubscriptionTopic.Digests, CreatedAt = DateTimeOffset.UnixEpoch },
            new ChannelSubscription { ConversationReferenceId = _teamsChannel.Id, Topic = SubscriptionTopic.Audits, CreatedAt = DateTimeOffset.UnixEpoch });
        var control = new Control { Code = "AC-01", Title = "Access review", CreatedAt = DateTimeOffset.UnixEpoch };
        db.Controls.Add(control);
        void AddTask(Person owner, int dueInDays, EvidenceTaskStatus status = EvidenceTaskStatus.Open) => db.EvidenceTasks.Add(new EvidenceTask
        {
            ControlId = control.Id,
            Title = $"Evidence {Guid.NewGuid():N}",
            OwnerId = owner.Id,
            DueDate = Today.AddDays(dueInDays),
            PeriodStart = Today.AddDays(dueInDays - 1000 - db.EvidenceTasks.Local.Count),
            PeriodEnd = Today.AddDays(dueInDays),
            Status = status,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        });
        AddTask(_olivia, -3);
        AddTask(_olivia, -10);
        AddTask(_pete, -1);
        AddTask(_pete, 5);
        AddTask(_pete, 40);
        AddTask(_olivia, 2, EvidenceTaskStatus.Submitted);
        AddTask(_olivia, -20, EvidenceTaskStatus.Accepted);
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task An_audit_is_announced_once_per_channel_at_each_countdown_step_with_the_open_evidence()
    {
        await AddAuditAsync(new ChatCompliance.Core.Domain.Audit { Name = "SOC 2 Type 2 2027", Framework = Framework.Soc2, Kind = AuditKind.Soc2Type2, StartsOn = Today.AddDays(30), PeriodStart = new DateOnly(2026, 1, 1), PeriodEnd = new DateOnly(2026, 12, 31), CreatedAt = DateTimeOffset.UnixEpoch });

        Assert.Equal(2, await AnnounceAsync(Today));
        Assert.Equal(0, await AnnounceAsync(Today)); // run again the same day: nothing new
        Assert.Equal(0, await AnnounceAsync(Today.AddDays(1))); // 29 days: still the 30-day step
        Assert.Equal(2, await AnnounceAsync(Today.AddDays(20))); // 10 days: the 14-day step (missed days are not sent late)
        Assert.Equal(0, await AnnounceAsync(Today.AddDays(22)));
        Assert.Equal(2, await AnnounceAsync(Today.AddDays(23))); // 7 days

        var queued = await QueuedAsync("audit.announcement");
        Assert.Equal(6, queued.Count);
        var first = CardJson.Deserialize(queued.Single(o => o.IdempotencyKey.Contains(":30:", StringComparison.Ordinal) && o.ConversationReferenceId == _slackChannel.Id).Payload);
        Assert.Equal("SOC 2 Type 2 2027 in 30 days", first.Header!.Title);
        var facts = first.Body.OfType<FactsElement>().Single().Facts.ToDictionary(f => f.Label, f => f.Value);
        Assert.Equal(("4", "3", "1"), (facts["Evidence open, due by then"], facts["Evidence overdue"], facts["Evidence waiting for a lead"]));
    }

    [Fact]
    public async Task A_certificate_near_expiry_without_a_recertification_booked_is_warned_about()
    {
        await AddAuditAsync(new ChatCompliance.Core.Domain.Audit { Name = "ISO 27001 certification 2024", Framework = Framework.Iso27001, Kind = AuditKind.Iso27001Stage2, StartsOn = new DateOnly(2024, 1, 15), CertificateExpiresOn = Today.AddDays(60), CreatedAt = DateTimeOffset.UnixEpoch });

        Assert.Equal(2, await AnnounceAsync(Today)); // 60 days before expiry
        Assert.Equal(2, await AnnounceAsync(Today.AddDays(31))); // 29 days: the 30-day step

        await AddAuditAsync(new ChatCompliance.Core.Domain.Audit { Name = "Recertification", Framework = Framework.Iso27001, Kind = AuditKind.Iso27001Recertification, StartsOn = Today.AddDays(50), CreatedAt = DateTimeOffset.UnixEpoch });
        Assert.Equal(2, await AnnounceAsync(Today.AddDays(47))); // booked: only the recertification's countdown (3 days: the 7-day step)

        var titles = (await QueuedAsync("audit.announcement")).Select(o => CardJson.Deserialize(o.Payload).Header!.Title).ToList();
        Assert.Equal(4, titles.Count(t => t == "ISO/IEC 27001 certificate expiring"));
        Assert.Equal(2, titles.Count(t => t == "Recertification in 3 days"));
    }

    [Fact]
    public async Task A_SOC_2_report_older_than_twelve_months_with_nothing_booked_is_warned_about_monthly()
    {
        await AddAuditAsync(new ChatCompliance.Core.Domain.Audit { Name = "SOC 2 Type 2 2024", Framework = Framework.Soc2, Kind = AuditKind.Soc2Type2, StartsOn = new DateOnly(2025, 1, 10), PeriodStart = new DateOnly(2024, 7, 1), PeriodEnd = new DateOnly(2025, 6, 30), CreatedAt = DateTimeOffset.UnixEpoch });

        Assert.Equal(2, await AnnounceAsync(Today));
        Assert.Equal(0, await AnnounceAsync(Today));
        Assert.Equal(2, await AnnounceAsync(Today.AddDays(1))); // 1 December: a new month
        Assert.Equal(0, await AnnounceAsync(Today.AddDays(15)));
        var card = CardJson.Deserialize((await QueuedAsync("audit.announcement"))[0].Payload);
        Assert.Equal("SOC 2 report getting old", card.Header!.Title);
    }

    [Fact]
    public async Task The_weekly_digest_counts_evidence_by_owner_and_goes_to_digest_channels_once_a_week()
    {
        await using (var db = _store.NewContext())
        {
            var figures = await new WeeklyDigest(db, _time).BuildAsync(Today);
            Assert.Equal((3, 1, 1), (figures.OverdueTotal, figures.DueSoonTotal, figures.WaitingForLead));
            Assert.Equal([new OwnerCount("Olivia Owner", 2), new OwnerCount("Pete Owner", 1)], figures.OverdueByOwner);
            Assert.Equal([new OwnerCount("Pete Owner", 1)], figures.DueSoonByOwner);
        }

        Assert.Equal(1, await DigestAsync(Today));
        Assert.Equal(0, await DigestAsync(Today.AddDays(3))); // same ISO week
        Assert.Equal(1, await DigestAsync(Today.AddDays(7)));
        var queued = await QueuedAsync("digest.weekly");
        Assert.All(queued, o => Assert.Equal(_slackChannel.Id, o.ConversationReferenceId));
        var card = CardJson.Deserialize(queued[0].Payload);
        await AdaptiveCardSchema.AssertValidAsync(AdaptiveCardRenderer.Render(card));
        var slack = BlockKitRenderer.Render(card);
        BlockKitChecker.AssertMessage(slack.Blocks, slack.Text);
        Assert.Contains(card.Body.OfType<TextElement>(), t => t.Text == "• Olivia Owner: 2\n• Pete Owner: 1");
    }

    [Fact]
    public async Task Announcement_cards_are_valid_on_both_platforms()
    {
        var audit = new ChatCompliance.Core.Domain.Audit { Name = "ISO " + SampleCards.Hostile, Kind = AuditKind.Iso27001Surveillance, StartsOn = Today, FieldworkStart = Today, FieldworkEnd = Today.AddDays(2), CertificateExpiresOn = Today.AddDays(10), Auditor = SampleCards.Hostile };
        foreach (var card in new[] { AnnouncementCards.Countdown(audit, 1, 10, 3, 2), AnnouncementCards.CertificateExpiring(audit, 10), AnnouncementCards.Soc2ReportAging(audit, Today.AddDays(-400), Today) })
        {
            var adaptive = AdaptiveCardRenderer.Render(card);
            await AdaptiveCardSchema.AssertValidAsync(adaptive);
            Assert.InRange(Encoding.UTF8.GetByteCount(adaptive.ToJsonString()), 1, 28 * 1024);
            var slack = BlockKitRenderer.Render(card);
            BlockKitChecker.AssertMessage(slack.Blocks, slack.Text);
        }
    }

    [Fact]
    public async Task An_audit_that_cannot_be_read_is_skipped_the_others_are_announced_and_the_leads_are_told_once()
    {
        var lead = new Person { Email = "lee@example.com", DisplayName = "Lee Lead", Roles = PersonRoles.Employee | PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UnixEpoch };
        await using (var db = _store.NewContext())
        {
            db.People.Add(lead);
            db.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = "D-LEE", PersonId = lead.Id, UpdatedAt = DateTimeOffset.UnixEpoch });
            db.Audits.AddRange(
                new ChatCompliance.Core.Domain.Audit { Name = "Broken audit", Framework = Framework.Iso27001, Kind = AuditKind.Iso27001Surveillance, StartsOn = Today.AddDays(14), CreatedAt = DateTimeOffset.UnixEpoch },
                new ChatCompliance.Core.Domain.Audit { Name = "SOC 2 Type 2 2027", Framework = Framework.Soc2, Kind = AuditKind.Soc2Type2, StartsOn = Today.AddDays(30), PeriodStart = new DateOnly(2026, 1, 1), PeriodEnd = new DateOnly(2026, 12, 31), CreatedAt = DateTimeOffset.UnixEpoch });
            await db.SaveChangesAsync();
            await Jobs.PoisonedRows.BreakAuditAsync(db, "Broken audit");
        }

        for (var run = 0; run < 2; run++)
        {
            await using var db = _store.NewContext();
            var job = new AuditAnnouncementJob(new AuditAnnouncer(db, _time), new CompanyClock(_time, Options.Create(new ChaserOptions())), db, _time, NullLogger<AuditAnnouncementJob>.Instance);
            await job.RunAsync(CancellationToken.None);
        }

        var announced = await QueuedAsync("audit.announcement");
        Assert.Equal(2, announced.Count); // the good audit, once in each subscribed channel
        Assert.All(announced, a => Assert.Contains("SOC 2 Type 2 2027", a.Payload, StringComparison.Ordinal));
        var alert = Assert.Single(await QueuedAsync("job.failure"));
        Assert.Contains("Broken audit", alert.Payload, StringComparison.Ordinal);
    }

    private async Task AddAuditAsync(ChatCompliance.Core.Domain.Audit audit)
    {
        await using var db = _store.NewContext();
        db.Audits.Add(audit);
        await db.SaveChangesAsync();
    }

    private async Task<int> AnnounceAsync(DateOnly today)
    {
        await using var db = _store.NewContext();
        return await new AuditAnnouncer(db, _time).AnnounceAsync(today);
    }

    private async Task<int> DigestAsync(DateOnly today)
    {
        await using var db = _store.NewContext();
        return await new WeeklyDigest(db, _time).SendAsync(today);
    }

    private async Task<List<OutboxMessage>> QueuedAsync(string kind)
    {
        await using var db = _store.NewContext();
        return [.. (await db.Outbox.AsNoTracking().Where(o => o.Kind == kind).ToListAsync()).OrderBy(o => o.CreatedAt).ThenBy(o => o.IdempotencyKey, StringComparer.Ordinal)];
    }
}
