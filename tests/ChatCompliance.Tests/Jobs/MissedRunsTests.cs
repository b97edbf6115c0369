using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Jobs;

/// <summary>
/// No instance runs from 07:00 to 11:30 on Monday 18 January 2027: the 08:00 audit announcements, the 09:00 weekly
/// digest and four hourly chases pass with nobody there. Olivia's evidence is due that day (the due-day reminder) and
/// an audit starts in a week (the 7-day countdown). When an instance comes back each missed message goes once; when
/// another comes back an hour later, nothing goes again.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class MissedRunsTests : IDisposable
{
    private static readonly DateOnly Monday = new(2027, 1, 18);

    private readonly string _data = Directory.CreateTempSubdirectory("cc-missed-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2027, 1, 18, 7, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Reminders_announcements_and_the_digest_missed_while_no_instance_ran_are_sent_once_when_one_comes_back()
    {
        await using (var early = App())
        {
            await SeedAsync(early.Services);
            Assert.Equal([EvidenceChaserJob()], await early.Services.CatchUpMissedRunsAsync()); // 07:00: the 08:00 and 09:00 jobs wait
            Assert.Empty(await QueuedAsync(early.Services));
        }

        _time.SetUtcNow(new DateTimeOffset(2027, 1, 18, 11, 30, 0, TimeSpan.Zero));
        await using (var back = App())
        {
            // The start makes them up by itself.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((await QueuedAsync(back.Services)).Count < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.Equal(["audit.announcement", "chase.reminder", "digest.weekly"], await QueuedAsync(back.Services));
        }

        _time.SetUtcNow(new DateTimeOffset(2027, 1, 18, 12, 30, 0, TimeSpan.Zero));
        await using (var again = App())
        {
            Assert.Equal(3, (await again.Services.CatchUpMissedRunsAsync()).Count); // their times came today: they run, and find it all sent
            Assert.Equal(["audit.announcement", "chase.reminder", "digest.weekly"], await QueuedAsync(again.Services));
        }
    }

    private static string EvidenceChaserJob() => ChatCompliance.Jobs.Chaser.EvidenceChaserJob.RecurringJobId;

    private ComplianceApp App() => new(
        new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data, ["Outbox:Enabled"] = "false", ["Jobs:CatchUpAtStart"] = "true" },
        services => services.AddSingleton<TimeProvider>(_time));

    private static async Task SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var olivia = new Person { Email = "olivia@example.com", DisplayName = "Olivia Owner", CreatedAt = DateTimeOffset.UnixEpoch };
        var control = new Control { Code = "CC6.2", Title = "Access provisioning", CreatedAt = DateTimeOffset.UnixEpoch };
        var chat = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = "D-OLIVIA", PersonId = olivia.Id, UpdatedAt = DateTimeOffset.UnixEpoch };
        var channel = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = "C-COMPLIANCE", UpdatedAt = DateTimeOffset.UnixEpoch };
        db.AddRange(olivia, control, chat, channel);
        db.ChannelSubscriptions.AddRange(
            new ChannelSubscription { ConversationReferenceId = channel.Id, Topic = SubscriptionTopic.Audits, CreatedAt = DateTimeOffset.UnixEpoch },
            new ChannelSubscription { ConversationReferenceId = channel.Id, Topic = SubscriptionTopic.Digests, CreatedAt = DateTimeOffset.UnixEpoch });
        db.EvidenceTasks.Add(new EvidenceTask
        {
            ControlId = control.Id,
            Title = "Joiner tickets",
            OwnerId = olivia.Id,
            DueDate = Monday,
            PeriodStart = Monday.AddDays(-90),
            PeriodEnd = Monday,
            Status = EvidenceTaskStatus.Open,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        });
        db.Audits.Add(new Core.Domain.Audit { Name = "SOC 2 Type 2 2027", Framework = Framework.Soc2, Kind = AuditKind.Soc2Type2, StartsOn = Monday.AddDays(7), PeriodStart = new DateOnly(2026, 1, 1), PeriodEnd = new DateOnly(2026, 12, 31), CreatedAt = DateTimeOffset.UnixEpoch });
        await db.SaveChangesAsync();
    }

    /// <summary>The kinds of the queued messages, in order (one entry per message).</summary>
    private static async Task<List<string>> QueuedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        return [.. (await db.Outbox.AsNoTracking().Select(o => o.Kind).ToListAsync()).Order(StringComparer.Ordinal)];
    }
}
