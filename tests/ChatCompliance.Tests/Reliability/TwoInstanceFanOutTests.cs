using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Announcements;
using ChatCompliance.Jobs.Chaser;
using ChatCompliance.Jobs.Outbox;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using WireMock.Server;

namespace ChatCompliance.Tests.Reliability;

/// <summary>
/// Two app instances on one PostgreSQL database run the same scheduled fan-outs at the same moment, several times,
/// with both dispatchers sending: every subscribed channel, on Slack and on Teams, gets each message exactly once.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class TwoInstanceFanOutTests : IAsyncLifetime
{
    private const string AuditName = "Reliability SOC 2 Type 2";
    private const string DigestTitle = "Weekly compliance digest";
    private const string SlackChannel = "C-AUDITS";
    private const string TeamsChannel = "19:audits@thread.tacv2";
    private const int Rounds = 3;

    /// <summary>The scheduled fan-outs both instances run at once, each in its own scope as Hangfire would.</summary>
    private static readonly Func<IServiceProvider, Task<int>>[] FanOuts =
    [
        services => services.GetRequiredService<AuditAnnouncementJob>().RunAsync(CancellationToken.None),
        services => services.GetRequiredService<WeeklyDigestJob>().RunAsync(CancellationToken.None),
        services => services.GetRequiredService<EvidenceChaserJob>().RunAsync(CancellationToken.None),
    ];

    private const string OwnerChannel = "DOLIVIA";

    private readonly TestPostgres _postgres = new();
    private readonly BotFrameworkFakes _teams = new();
    // A Wednesday at 10:00 UTC: a working day outside quiet hours, so today's reminder is due now.
    private readonly FakeTimeProvider _time = new(NextWednesdayAtTen());
    private readonly CapturedLog _firstLog = new();
    private readonly CapturedLog _secondLog = new();
    private WireMockServer _slack = null!;
    private ComplianceApp _first = null!;
    private ComplianceApp _second = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        _slack = SlackStandIn.Start(TimeSpan.FromMilliseconds(20));
        var settings = _teams.Settings();
        settings["ConnectionStrings:Postgres"] = _postgres.ConnectionString;
        settings["SLACK_BOT_TOKEN"] = "test-bot-token";
        settings["SLACK_SIGNING_SECRET"] = "test-signing-secret";
        settings["Slack:ApiBaseUrl"] = SlackStandIn.ApiBaseUrl(_slack);
        settings["Slack:TeamId"] = "T1";
        settings["Slack:AppId"] = "A1";
        _first = new ComplianceApp(settings, services => services.AddSingleton<TimeProvider>(_time).AddSingleton<ILoggerProvider>(_firstLog));
        _second = new ComplianceApp(settings, services => services.AddSingleton<TimeProvider>(_time).AddSingleton<ILoggerProvider>(_secondLog));
        _ = _first.Services; // migrates the database and starts the first dispatcher
        _ = _second.Services;
        _firstLog.Clear(); // a first start on an empty database is not what is measured here
        _secondLog.Clear();

        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var slack = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = SlackChannel, TenantId = "T1", UpdatedAt = _time.GetUtcNow() };
        var teams = new ConversationReference { Platform = Platform.Teams, Scope = ConversationScope.Channel, ConversationId = TeamsChannel, TenantId = "tenant-1", ServiceUrl = _teams.ServiceUrl, UpdatedAt = _time.GetUtcNow() };
        db.ConversationReferences.AddRange(slack, teams);
        foreach (var channel in new[] { slack, teams })
        {
            foreach (var topic in new[] { SubscriptionTopic.Audits, SubscriptionTopic.Digests })
            {
                db.ChannelSubscriptions.Add(new ChannelSubscription { ConversationReferenceId = channel.Id, Topic = topic, CreatedAt = _time.GetUtcNow() });
            }
        }

        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var olivia = new Person { Email = "olivia@example.com", DisplayName = "Olivia Owner", SlackUserId = "UOLIVIA", SlackTeamId = "T1", CreatedAt = _time.GetUtcNow() };
        db.People.Add(olivia);
        db.ConversationReferences.Add(new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = OwnerChannel, TenantId = "T1", PersonId = olivia.Id, UpdatedAt = _time.GetUtcNow() });
        var control = new Control { Code = "AC-01", Title = "Quarterly access review", CreatedAt = _time.GetUtcNow() };
        db.Controls.Add(control);
        db.EvidenceTasks.Add(new EvidenceTask { ControlId = control.Id, Title = "Q4 access review", OwnerId = olivia.Id, DueDate = today, CreatedAt = _time.GetUtcNow(), UpdatedAt = _time.GetUtcNow() });
        db.Audits.Add(new ChatCompliance.Core.Domain.Audit { Name = AuditName, Framework = Framework.Soc2, Kind = AuditKind.Soc2Type2, StartsOn = today.AddDays(30), PeriodStart = today.AddDays(-335), PeriodEnd = today.AddDays(29), CreatedAt = _time.GetUtcNow() });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        _slack.Stop();
        _slack.Dispose();
        _teams.Dispose();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_running_announcements_digests_and_reminders_at_the_same_moment_send_each_exactly_once()
    {
        var queued = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Every fan-out on both instances at once; the idempotency keys let exactly one queue each message.
            var runs = FanOuts.SelectMany(_ => new[] { _first, _second }, (fanOut, app) => RunInScopeAsync(app, fanOut));
            queued += (await Task.WhenAll(runs)).Sum();
            await Task.Delay(100); // both dispatchers are claiming while the next round queues
        }

        await OutboxWait.DrainedAsync(_first.Services, TimeSpan.FromSeconds(30));
        await Task.Delay(500); // a duplicate would be a second send of a recorded row: give one the time to show

        Assert.Equal(5, queued); // 2 channels × (announcement + digest) and Olivia's due-day reminder, whoever queued them
        Assert.Single(SlackStandIn.PostedTo(_slack, OwnerChannel));
        var slack = SlackStandIn.PostedTo(_slack, SlackChannel);
        Assert.Equal((1, 1), (slack.Count(IsAnnouncement), slack.Count(IsDigest)));
        var teams = _teams.ConnectorCalls()
            .Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path == $"/connector/v3/conversations/{TeamsChannel}/activities")
            .Select(c => c.RequestMessage.Body ?? "").ToList();
        Assert.Equal((1, 1), (teams.Count(IsAnnouncement), teams.Count(IsDigest)));
        Assert.Equal(4, slack.Count + teams.Count);

        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var rows = await db.Outbox.AsNoTracking().ToListAsync();
        Assert.Equal(5, rows.Count); // and no alerts: nothing was dead-lettered
        Assert.All(rows, r => Assert.Equal((true, (DateTimeOffset?)null, 1, (string?)null), (r.SentAt is not null, r.DeadLetteredAt, r.Attempts, r.ClaimedBy)));
        Assert.DoesNotContain(rows, r => r.Kind == OutboxDispatcher.DeadLetterAlertKind);
        // Losing the race for a row is an answer, not a failed statement: neither instance logs an error or a warning.
        var problems = _firstLog.Problems().Concat(_secondLog.Problems()).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static DateTimeOffset NextWednesdayAtTen()
    {
        var today = DateTimeOffset.UtcNow.Date;
        var days = ((int)DayOfWeek.Wednesday - (int)today.DayOfWeek + 7) % 7;
        return new DateTimeOffset(today.AddDays(days == 0 ? 7 : days).AddHours(10), TimeSpan.Zero);
    }

    private static async Task<int> RunInScopeAsync(ComplianceApp app, Func<IServiceProvider, Task<int>> fanOut)
    {
        await Task.Yield();
        await using var scope = app.Services.CreateAsyncScope();
        return await fanOut(scope.ServiceProvider);
    }

    private static bool IsDigest(string body) => body.Contains(DigestTitle, StringComparison.Ordinal);

    // The digest lists upcoming audits too, so the announcement is the message naming the audit that is not the digest.
    private static bool IsAnnouncement(string body) => !IsDigest(body) && body.Contains($"{AuditName} in 30 days", StringComparison.Ordinal);
}
