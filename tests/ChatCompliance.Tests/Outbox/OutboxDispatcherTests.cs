using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Outbox;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ChatCompliance.Tests.Outbox;

[Collection(AppCollection.Name)]
public sealed class SqliteOutboxDispatcherTests : OutboxDispatcherTests
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-outbox-").FullName;

    protected override void Store(Dictionary<string, string?> settings) => settings["Storage:DataDirectory"] = _data;

    protected override void Intercept(IServiceCollection services, IInterceptor interceptor) =>
        services.ConfigureDbContext<SqliteComplianceDbContext>(o => o.AddInterceptors(interceptor));

    protected override Task DropStoreAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(AppCollection.Name)]
public sealed class PostgresOutboxDispatcherTests : OutboxDispatcherTests
{
    private readonly TestPostgres _postgres = new();

    protected override Task CreateStoreAsync() => _postgres.InitializeAsync();

    protected override void Store(Dictionary<string, string?> settings) => settings["ConnectionStrings:Postgres"] = _postgres.ConnectionString;

    protected override Task DropStoreAsync() => _postgres.DisposeAsync();

    protected override void Intercept(IServiceCollection services, IInterceptor interceptor) =>
        services.ConfigureDbContext<PostgresComplianceDbContext>(o => o.AddInterceptors(interceptor));

    [Fact]
    public async Task Two_instances_on_one_database_send_each_of_200_messages_exactly_once()
    {
        const int count = 200;
        await using var second = NewApp();
        _ = second.Services; // starts its dispatcher loop
        var conversations = Enumerable.Range(0, count).Select(i => Conversation($"a:bulk-{i}", tenant: $"tenant-{i % 10}", serviceUrl: Fakes.ServiceUrl)).ToList();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.ConversationReferences.AddRange(conversations);
            await db.SaveChangesAsync();
            foreach (var (conversation, i) in conversations.Select((c, i) => (c, i)))
            {
                await db.EnqueueAsync($"bulk:{i}", "test.bulk", TestCard($"bulk message {i}"), conversation, Time.GetUtcNow(),
                    new CardSubject(AuditSubjects.EvidenceTask, $"bulk-{i}", CardAudience.Owner));
            }

            await db.SaveChangesAsync();
        }

        App.Services.GetRequiredService<OutboxSignal>().Nudge();
        second.Services.GetRequiredService<OutboxSignal>().Nudge();
        await OutboxWait.DrainedAsync(App.Services, TimeSpan.FromSeconds(90));

        var posts = Fakes.ConnectorCalls().Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path.Contains("/a:bulk-", StringComparison.Ordinal)).ToList();
        Assert.Equal(count, posts.Count);
        Assert.All(posts.GroupBy(p => p.RequestMessage.Path), g => Assert.Single(g));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            Assert.Equal(count, await db.Outbox.CountAsync(o => o.Kind == "test.bulk" && o.SentAt != null && o.Attempts == 1 && o.ClaimedBy == null));
            Assert.Equal(count, await db.CardMessages.CountAsync(m => m.SubjectId.StartsWith("bulk-")));
        }
    }

    [Fact]
    public async Task A_reply_waiting_its_turn_on_a_live_instance_is_not_taken_by_the_other_instance_however_long_it_waits()
    {
        // Instance A holds a reply written as being sent 90 s ago (longer than a send can take, 30 s, plus the grace, 30 s)
        // that still waits its turn behind a burst, and a second one whose send ended without a record. Instance B runs its
        // recovery every second. While A lives and beats, its rows are its own, however old: B must leave the waiting reply
        // to A (whose own recovery knows it still holds it). The row A no longer holds is stuck, and A resolves it. Time
        // moves on one second a second, so both leases run out and B looks at both.
        await using var second = NewApp();
        _ = second.Services; // B's dispatcher loop and recovery run from here on
        var dispatcher = App.Services.GetRequiredService<OutboxDispatcher>();
        var conversation = Conversation("a:waiting", tenant: "tenant-w", serviceUrl: Fakes.ServiceUrl);
        Guid waiting, stuck;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.ConversationReferences.Add(conversation);
            var now = Time.GetUtcNow();
            OutboxMessage Sending(string key, string claim) => new()
            {
                IdempotencyKey = key,
                Kind = OutboxQueue.ReplyKind,
                Platform = Platform.Teams,
                ConversationReferenceId = conversation.Id,
                Payload = CardJson.Serialize(TestCard($"reply {key}")),
                CreatedAt = now.AddSeconds(-90),
                NextAttemptAt = now.AddSeconds(-90),
                ClaimedBy = dispatcher.ClaimPrefix + claim + OutboxDispatcher.SendingSuffix,
                ClaimedUntil = now.AddSeconds(3),
                SendStartedAt = now.AddSeconds(-90),
            };
            var rows = new[] { Sending("waiting", "live"), Sending("stuck", "hung") };
            db.Outbox.AddRange(rows);
            await db.SaveChangesAsync();
            (waiting, stuck) = (rows[0].Id, rows[1].Id);
        }

        dispatcher._working[waiting] = 0;
        try
        {
            for (var tick = 0; tick < 12; tick++)
            {
                await Task.Delay(1_000);
                Time.Advance(TimeSpan.FromSeconds(1));
            }

            await Task.Delay(1_500); // B's recovery runs at least once more at the last time
            await using var scope = App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            var after = await db.Outbox.AsNoTracking().Where(o => o.Id == waiting || o.Id == stuck).ToDictionaryAsync(o => o.Id);
            Assert.Equal((dispatcher.ClaimPrefix + "live" + OutboxDispatcher.SendingSuffix, (DateTimeOffset?)null, (DateTimeOffset?)null),
                (after[waiting].ClaimedBy, after[waiting].InDoubtAt, after[waiting].DeadLetteredAt));
            Assert.NotEqual(dispatcher.ClaimPrefix + "hung" + OutboxDispatcher.SendingSuffix, after[stuck].ClaimedBy); // resolved
            Assert.True(after[stuck].InDoubtAt is not null || after[stuck].SentAt is not null || after[stuck].DeadLetteredAt is not null);
        }
        finally
        {
            dispatcher._working.TryRemove(waiting, out _);
        }
    }

    [Fact]
    public async Task A_live_instance_that_stopped_beating_has_its_stuck_send_resolved_and_one_that_beats_keeps_its_own()
    {
        // Two other instances hold their liveness locks (they run) and each left a reply "sending" 90 s ago, its lease run
        // out. "hung" has not beaten for a minute (it hangs, or lost its store): its send is stuck and this instance resolves
        // it. "busy" beat a moment ago: its reply waits its turn there, and is left to it. "gone" last beat two days ago.
        await using var hung = new InstanceLiveness("hung", NullLogger.Instance);
        await using var busy = new InstanceLiveness("busy", NullLogger.Instance);
        var conversation = Conversation("a:others", tenant: "tenant-o", serviceUrl: Fakes.ServiceUrl);
        Guid stuck, waiting;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            await hung.HoldAsync(db, CancellationToken.None);
            await busy.HoldAsync(db, CancellationToken.None);
            var now = Time.GetUtcNow();
            db.ConversationReferences.Add(conversation);
            db.OutboxInstances.AddRange(new OutboxInstance { Name = "hung", HeartbeatAt = now.AddSeconds(-60) }, new OutboxInstance { Name = "busy", HeartbeatAt = now },
                new OutboxInstance { Name = "gone", HeartbeatAt = now.AddDays(-2) });
            OutboxMessage Sending(string key, string instance) => new()
            {
                IdempotencyKey = key,
                Kind = OutboxQueue.ReplyKind,
                Platform = Platform.Teams,
                ConversationReferenceId = conversation.Id,
                Payload = CardJson.Serialize(TestCard($"reply {key}")),
                CreatedAt = now.AddSeconds(-90),
                NextAttemptAt = now.AddSeconds(-90),
                ClaimedBy = $"{instance}:token{OutboxDispatcher.SendingSuffix}",
                ClaimedUntil = now.AddSeconds(-84),
                SendStartedAt = now.AddSeconds(-90),
            };
            var rows = new[] { Sending("stuck", "hung"), Sending("waiting", "busy") };
            db.Outbox.AddRange(rows);
            await db.SaveChangesAsync();
            (stuck, waiting) = (rows[0].Id, rows[1].Id);
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            await OutboxWait.UntilAsync(async () => await db.Outbox.AsNoTracking().AnyAsync(o => o.Id == stuck && o.ClaimedBy != "hung:token" + OutboxDispatcher.SendingSuffix),
                "the hung instance's stuck send is resolved", TimeSpan.FromSeconds(15));
            await Task.Delay(1_500); // a recovery pass or more after that
            var left = await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == waiting);
            Assert.Equal(("busy:token" + OutboxDispatcher.SendingSuffix, (DateTimeOffset?)null, (DateTimeOffset?)null), (left.ClaimedBy, left.InDoubtAt, left.SentAt));
            // An instance silent for two days (every start has a new name) is forgotten by the next beat; the others stay.
            await OutboxWait.UntilAsync(async () => !await db.OutboxInstances.AnyAsync(i => i.Name == "gone"), "a long-silent instance is forgotten", TimeSpan.FromSeconds(10));
            Assert.True(await db.OutboxInstances.AnyAsync(i => i.Name == "hung"));
        }
    }
}

/// <summary>
/// The outbox dispatcher in the running app: WireMock as the connector, a fake clock for retry times (the dispatcher's
/// loop and pacing run on the real clock). Every wait polls with a deadline.
/// </summary>
public abstract class OutboxDispatcherTests : IAsyncLifetime
{
    // A second connector for the tests that need one of their own; started first, so the app can allow its URL.
    private readonly WireMockServer _spare = WireMockServer.Start();

    protected BotFrameworkFakes Fakes { get; } = new();

    // Whole seconds: PostgreSQL keeps microseconds, and the tests compare times exactly.
    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    protected ComplianceApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await CreateStoreAsync();
        App = NewApp();
        _ = App.Services;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Fakes.Dispose();
        _spare.Stop();
        _spare.Dispose();

        await DropStoreAsync();
    }

    protected virtual Task CreateStoreAsync() => Task.CompletedTask;

    protected abstract void Store(Dictionary<string, string?> settings);

    protected abstract Task DropStoreAsync();

    /// <summary>Adds <paramref name="interceptor"/> to the store's contexts.</summary>
    protected abstract void Intercept(IServiceCollection services, IInterceptor interceptor);

    protected ComplianceApp NewApp(IInterceptor? interceptor = null)
    {
        var settings = Fakes.Settings();
        settings["Teams:AllowedServiceUrls:1"] = $"{_spare.Urls[0]}/";
        Store(settings);
        return new ComplianceApp(settings, services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            if (interceptor is not null)
            {
                Intercept(services, interceptor);
            }
        });
    }

    [Fact]
    public async Task A_send_whose_outcome_the_store_failed_to_record_at_first_is_recorded_as_sent_not_left_in_doubt()
    {
        await App.DisposeAsync();
        var failOnce = new FailFirst("SET \"SentAt\" = ");
        App = NewApp(failOnce);
        var conversation = await AddConversationAsync("a:blip");

        await EnqueueAsync("blip", conversation, "arrives once", new CardSubject(AuditSubjects.EvidenceTask, "task-blip", CardAudience.Owner));

        var row = await RowWhenAsync("blip", r => r.SentAt is not null);
        Assert.True(failOnce.Failed);
        Assert.Single(Posts("a:blip"));
        Assert.Equal(("sent-1", 1, (string?)null, (DateTimeOffset?)null, (DateTimeOffset?)null), (row.SentMessageId, row.Attempts, row.ClaimedBy, row.InDoubtAt, row.DeadLetteredAt));
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        Assert.Single(await db.CardMessages.Where(m => m.SubjectId == "task-blip").ToListAsync());
    }

    [Fact]
    public async Task A_store_failure_while_claiming_does_not_stop_the_app_and_the_card_is_sent_once()
    {
        await App.DisposeAsync();
        var failOnce = new FailFirst("SET \"ClaimedBy\" = ");
        App = NewApp(failOnce);
        var conversation = await AddConversationAsync("a:claim-blip");

        await EnqueueAsync("claim-blip", conversation, "arrives once");

        var row = await RowWhenAsync("claim-blip", r => r.SentAt is not null);
        Assert.True(failOnce.Failed);
        Assert.Single(Posts("a:claim-blip"));
        Assert.Equal((1, (DateTimeOffset?)null), (row.Attempts, row.InDoubtAt));
    }

    /// <summary>The store fails the first statement containing <paramref name="text"/>.</summary>
    private sealed class FailFirst(string text) : DbCommandInterceptor
    {
        private int _failed;

        public bool Failed => _failed == 1;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(text, StringComparison.Ordinal) && Interlocked.CompareExchange(ref _failed, 1, 0) == 0)
            {
                throw new InvalidOperationException("The store went away for a moment.");
            }

            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Fact]
    public async Task A_queued_card_is_sent_once_and_its_copy_remembered()
    {
        var conversation = await AddConversationAsync("a:owner");

        await EnqueueAsync("one", conversation, "first card", new CardSubject(AuditSubjects.EvidenceTask, "task-1", CardAudience.Owner));
        await OutboxWait.DrainedAsync(App.Services);

        var post = Assert.Single(Posts("a:owner"));
        Assert.Contains("first card", post.RequestMessage.Body, StringComparison.Ordinal);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var row = await db.Outbox.SingleAsync();
        Assert.Equal(("sent-1", 1, null, null), (row.SentMessageId, row.Attempts, row.ClaimedBy, row.DeadLetteredAt));
        var copy = await db.CardMessages.SingleAsync();
        Assert.Equal((AuditSubjects.EvidenceTask, "task-1", conversation.Id, "sent-1", CardAudience.Owner),
            (copy.SubjectType, copy.SubjectId, copy.ConversationReferenceId, copy.MessageId, copy.Audience));
    }

    [Fact]
    public async Task A_card_update_replaces_the_posted_message_with_the_newest_card_and_posts_nothing_new()
    {
        var conversation = await AddConversationAsync("a:owner");
        await EnqueueAsync("posted", conversation, "first state", new CardSubject(AuditSubjects.EvidenceTask, "task-9", CardAudience.Owner));
        await OutboxWait.DrainedAsync(App.Services);
        var posted = Assert.Single(Posts("a:owner"));

        // Two changes in a row: the second's update makes the first's (if still waiting) pointless.
        foreach (var (key, text) in new[] { ("update-1", "second state"), ("update-2", "third state") })
        {
            await using var scope = App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            Assert.True(await CardCopies.QueueReplacementAsync(db, key, "task.update", TestCard(text), conversation, "sent-1", Time.GetUtcNow()));
            await db.SaveChangesAsync();
        }

        App.Services.GetRequiredService<OutboxSignal>().Nudge();
        await OutboxWait.DrainedAsync(App.Services);

        var updates = Fakes.ConnectorCalls().Where(c => c.RequestMessage.Method == "PUT" && c.RequestMessage.Path == "/connector/v3/conversations/a:owner/activities/sent-1").ToList();
        Assert.InRange(updates.Count, 1, 2);
        Assert.Contains("third state", updates[^1].RequestMessage.Body, StringComparison.Ordinal); // the card shows the newest state
        Assert.Equal(posted.RequestMessage.Body, Assert.Single(Posts("a:owner")).RequestMessage.Body); // nothing new posted
        await using var check = App.Services.CreateAsyncScope();
        var store = check.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        Assert.Single(await store.CardMessages.ToListAsync()); // the copy is remembered once
        Assert.All(await store.Outbox.Where(o => o.ReplacesMessageId != null).ToListAsync(), o => Assert.Equal(("sent-1", (DateTimeOffset?)null), (o.SentMessageId ?? "sent-1", o.DeadLetteredAt)));
    }

    [Fact]
    public async Task The_same_key_queued_twice_is_sent_once()
    {
        var conversation = await AddConversationAsync("a:owner");

        Assert.True(await EnqueueAsync("twice", conversation, "only once"));
        Assert.False(await EnqueueAsync("twice", conversation, "only once"));
        await OutboxWait.DrainedAsync(App.Services);
        Assert.False(await EnqueueAsync("twice", conversation, "only once"));
        await OutboxWait.DrainedAsync(App.Services);

        Assert.Single(Posts("a:owner"));
    }

    [Fact]
    public async Task A_throttled_then_failing_send_waits_for_retry_after_then_backs_off_then_succeeds()
    {
        var flaky = Connector();
        flaky.Given(Request.Create().WithPath("/connector/v3/conversations/*").UsingPost()).InScenario("flaky").WillSetStateTo("throttled")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody("""{"error":{"code":"Throttled"}}"""));
        flaky.Given(Request.Create().WithPath("/connector/v3/conversations/*").UsingPost()).InScenario("flaky").WhenStateIs("throttled").WillSetStateTo("down")
            .RespondWith(Response.Create().WithStatusCode(503));
        flaky.Given(Request.Create().WithPath("/connector/v3/conversations/*").UsingPost()).InScenario("flaky").WhenStateIs("down")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"sent-3"}"""));
        var conversation = await AddConversationAsync("a:flaky", serviceUrl: $"{flaky.Urls[0]}/connector/");
        var queuedAt = Time.GetUtcNow();

        await EnqueueAsync("flaky", conversation, "try again");

        var row = await RowWhenAsync("flaky", r => r.LastError is not null && r.ClaimedBy is null);
        Assert.Single(flaky.LogEntries);
        Assert.Equal((0, queuedAt.AddSeconds(1)), (row.Attempts, row.NextAttemptAt)); // Retry-After, not counted as an attempt
        Assert.Contains("429", row.LastError, StringComparison.Ordinal);

        // One second, shorter than a claim looks ahead: the row is claimed again and waits out the pause (real time) in the pacer.
        Time.Advance(TimeSpan.FromSeconds(1));
        row = await RowWhenAsync("flaky", r => r.Attempts == 1 && r.ClaimedBy is null);
        Assert.Equal(2, flaky.LogEntries.Count);
        Assert.Contains("503", row.LastError, StringComparison.Ordinal);
        Assert.InRange(row.NextAttemptAt - Time.GetUtcNow(), TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5)); // 5 s base, jitter

        Time.Advance(TimeSpan.FromSeconds(5));
        row = await RowWhenAsync("flaky", r => r.SentAt is not null);
        Assert.Equal((3, 2, "sent-3", (string?)null), (flaky.LogEntries.Count, row.Attempts, row.SentMessageId, row.LastError));
    }

    [Fact]
    public async Task A_permanent_failure_is_dead_lettered_and_the_leads_are_alerted_but_never_about_an_alert()
    {
        var gone = Connector();
        gone.Given(Request.Create().WithPath("/connector/v3/conversations/*").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"error":{"code":"ConversationNotFound"}}"""));
        var owner = await AddConversationAsync("a:gone", serviceUrl: $"{gone.Urls[0]}/connector/");
        var lead = await AddPersonAsync("lee@example.com", PersonRoles.ComplianceLead, "a:lead");
        var unreachableLead = await AddPersonAsync("lou@example.com", PersonRoles.ComplianceLead, "a:lead-gone", $"{gone.Urls[0]}/connector/");
        var complianceChannel = await AddConversationAsync("19:compliance@thread.tacv2");
        await using (var setup = App.Services.CreateAsyncScope())
        {
            var db0 = setup.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db0.ChannelSubscriptions.Add(new ChannelSubscription { ConversationReferenceId = complianceChannel.Id, Topic = SubscriptionTopic.Digests, CreatedAt = DateTimeOffset.UtcNow });
            await db0.SaveChangesAsync();
        }

        await EnqueueAsync("doomed", owner, "never arrives");
        await OutboxWait.DrainedAsync(App.Services);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var dead = await db.Outbox.SingleAsync(o => o.IdempotencyKey == "doomed");
        Assert.Equal((1, (DateTimeOffset?)null), (dead.Attempts, dead.SentAt));
        Assert.NotNull(dead.DeadLetteredAt);
        Assert.Contains("404", dead.LastError, StringComparison.Ordinal);
        var alerts = await db.Outbox.Where(o => o.Kind == OutboxDispatcher.DeadLetterAlertKind).ToListAsync();
        Assert.Equal(3, alerts.Count);
        Assert.NotNull(alerts.Single(a => a.ConversationReferenceId == lead.Id).SentAt);
        Assert.NotNull(alerts.Single(a => a.ConversationReferenceId == complianceChannel.Id).SentAt); // the compliance channel too
        Assert.NotNull(alerts.Single(a => a.ConversationReferenceId == unreachableLead.Id).DeadLetteredAt); // and no alert about it
        Assert.Equal(4, await db.Outbox.CountAsync());
        var alert = Assert.Single(Posts("a:lead"));
        Assert.Contains("may not have been delivered", alert.RequestMessage.Body, StringComparison.Ordinal);
        Assert.Contains(@"gave up after 1 attempt\\(s\\)", alert.RequestMessage.Body, StringComparison.Ordinal); // Markdown-escaped in the card's JSON
        Assert.Equal(dead.IncidentId, (await db.Outbox.SingleAsync(o => o.IdempotencyKey == "doomed")).IncidentId);
    }

    protected static ConversationReference Conversation(string id, string tenant = "tenant-1", string? serviceUrl = null, Guid? person = null) => new()
    {
        Platform = Platform.Teams,
        Scope = ConversationScope.Personal,
        ConversationId = id,
        ServiceUrl = serviceUrl,
        TenantId = tenant,
        UserId = "29:" + id,
        PersonId = person,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    protected static Card TestCard(string text) => new(new CardHeader("Test"), [new TextElement(text)], text);

    private WireMockServer Connector()
    {
        return _spare;
    }

    private List<WireMock.Logging.ILogEntry> Posts(string conversation) =>
        [.. Fakes.ConnectorCalls().Where(c => c.RequestMessage.Method == "POST" && c.RequestMessage.Path == $"/connector/v3/conversations/{conversation}/activities")];

    private async Task<ConversationReference> AddConversationAsync(string id, string? serviceUrl = null, Guid? person = null)
    {
        var conversation = Conversation(id, serviceUrl: serviceUrl ?? Fakes.ServiceUrl, person: person);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        db.ConversationReferences.Add(conversation);
        await db.SaveChangesAsync();
        return conversation;
    }

    private async Task<ConversationReference> AddPersonAsync(string email, PersonRoles roles, string conversation, string? serviceUrl = null)
    {
        var person = new Person { Email = email, DisplayName = email, Roles = roles, CreatedAt = DateTimeOffset.UtcNow };
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.Add(person);
            await db.SaveChangesAsync();
        }

        return await AddConversationAsync(conversation, serviceUrl, person.Id);
    }

    private async Task<bool> EnqueueAsync(string key, ConversationReference conversation, string text, CardSubject? subject = null)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var queued = await db.EnqueueAsync(key, "test", TestCard(text), conversation, Time.GetUtcNow(), subject);
        await db.SaveChangesAsync();
        App.Services.GetRequiredService<OutboxSignal>().Nudge();
        return queued;
    }

    private async Task<OutboxMessage> RowWhenAsync(string key, Func<OutboxMessage, bool> condition)
    {
        OutboxMessage? row = null;
        await OutboxWait.UntilAsync(async () =>
        {
            await using var scope = App.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            row = await db.Outbox.AsNoTracking().SingleAsync(o => o.IdempotencyKey == key);
            return condition(row);
        }, $"outbox row {key} reaches the expected state");
        return row!;
    }
}
