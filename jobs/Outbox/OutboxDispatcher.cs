using ChatCompliance.Core.Outbox;
using System.Diagnostics;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Integrations.Http;
using ChatCompliance.Jobs.Heartbeat;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>
/// Sends the outbox. Rows are claimed for a short lease that a heartbeat renews while this instance runs (several
/// instances on one PostgreSQL never claim the same row), paced per conversation and tenant (a row whose slot is more
/// than <see cref="OutboxOptions.ClaimAhead"/> away is put back for any instance), fenced at the moment its HTTP
/// request starts (the claim is checked and the row marked "sending"), sent with one attempt, and the outcome
/// recorded at once: sent (with the message id and, for a card about something, its <see cref="CardMessage"/>),
/// retried later (Retry-After, or exponential backoff with jitter), or dead-lettered and reported to the leads.
/// </summary>
/// <remarks>
/// Guarantee: the only rows whose fate a crash leaves unknown are those whose HTTP request had started (marked
/// "sending"); rows merely claimed pass to another instance when the lease runs out. A cut-off Slack send is looked
/// up in the channel's history by its outbox key (message metadata) and recorded as sent or sent again: exactly once.
/// A cut-off Teams send is in doubt (Teams cannot be asked): recorded, and resent or held for a lead by its kind's
/// <see cref="OutboxOptions.InDoubt"/> policy. Everything in doubt or dead-lettered is reported in one card per incident.
/// </remarks>
internal sealed partial class OutboxDispatcher : IDisposable
{
    /// <summary>Kind of the alert sent to the leads about undelivered messages; never alerted about itself.</summary>
    public const string DeadLetterAlertKind = "outbox.dead-letter";

    internal const string SendingSuffix = ":sending";

    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Times one row may find its conversation's shared slot taken by another instance before it is put back.</summary>
    private const int SharedConversationAttempts = 3;

    /// <summary>Tries at recording a send's outcome, and the pause before the next (times the attempt): well within a lease.</summary>
    private const int RecordAttempts = 4;
    private static readonly TimeSpan RecordRetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly IServiceScopeFactory _scopes;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly OutboxPacer _pacer;
    private readonly OutboxSignal _signal;
    private readonly OutboxHandOff _handOff;
    private readonly SentRecorder _recorder;

    /// <summary>How long a row written as being sent (OutboxHandOff) may wait before it is fenced again: well within SendTimeout.</summary>
    private TimeSpan FreshFor => _options.SendTimeout / 4 < _options.ClaimDuration ? _options.SendTimeout / 4 : _options.ClaimDuration;

    /// <summary>The conversations of rows handed over lately, and until when each is taken as read (only the loop uses it).</summary>
    private readonly Dictionary<Guid, (ConversationReference Conversation, long Until)> _recentConversations = [];
    private const int RecentConversationsLimit = 50_000;
    private static readonly TimeSpan RecentConversationsFor = TimeSpan.FromMinutes(1);
    private readonly ILogger<OutboxDispatcher> _logger;
    private readonly SemaphoreSlim _sends;
    private readonly SemaphoreSlim _recovering = new(1, 1);

    /// <summary>The rows this instance is working on now: the heartbeat renews exactly these (a row whose work ended without releasing it runs out).</summary>
    internal readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> _working = new();
    private readonly string _instance;
    private readonly InstanceLiveness _liveness;
    private long _nextRecovery;

    public OutboxDispatcher(IServiceScopeFactory scopes, IOptions<OutboxOptions> options, TimeProvider time, OutboxSignal signal,
        JobServerIdentity identity, OutboxHandOff handOff, ILogger<OutboxDispatcher> logger)
    {
        _handOff = handOff;
        _recorder = new SentRecorder(scopes);
        _scopes = scopes;
        _options = options.Value;
        _time = time;
        _signal = signal;
        _logger = logger;
        _pacer = new OutboxPacer(TimeProvider.System);
        _sends = new SemaphoreSlim(_options.MaxConcurrentSends);
        _instance = identity.Name;
        _liveness = new InstanceLiveness(_instance, logger);
    }

    /// <summary>The prefix of every claim this instance makes (its heartbeat renews them all).</summary>
    internal string ClaimPrefix => _instance + ":";

    /// <summary>
    /// Claims and sends due messages until cancelled, or (<paramref name="untilIdle"/>) until nothing is due and
    /// nothing is in flight. Returns how many messages this call handled (sent, rescheduled or dead-lettered).
    /// </summary>
    public async Task<int> RunAsync(bool untilIdle, CancellationToken cancellationToken = default)
    {
        var inFlight = new RowsUnderWay();
        var claimDue = true; // look for due rows: at start, after a nudge or a poll interval, and while a claim comes back full
        var nudgesSeen = _signal.Nudges.Count;
        using var stopHeartbeat = new CancellationTokenSource();
        await HoldLivenessAsync(cancellationToken);
        var heartbeat = HeartbeatAsync(stopHeartbeat.Token);
        try
        {
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var finishedSeen = inFlight.Finished.Count;
                    var handedSeen = _handOff.Handed.Count; // a row handed over from here on wakes the wait below
                    await TakeHandedAsync(inFlight, cancellationToken);
                    await RecoverAsync(cancellationToken);
                    var room = _options.MaxInFlight - inFlight.Count;
                    var claimed = 0;
                    var wanted = Math.Min(room, _options.BatchSize);
                    // Claim when there is room for a good part of a batch: not one row per finished send.
                    if (claimDue && wanted > 0 && (wanted * 2 >= Math.Min(_options.BatchSize, _options.MaxInFlight) || inFlight.Count == 0))
                    {
                        var (rows, conversations) = await ClaimAsync(wanted, cancellationToken);
                        claimed = rows.Count;
                        claimDue = claimed == wanted;
                        foreach (var row in rows)
                        {
                            Start(inFlight, row, conversations.GetValueOrDefault(row.ConversationReferenceId ?? Guid.Empty), null, cancellationToken);
                        }

                        if (claimed == wanted)
                        {
                            continue; // more may be due: claim again straight away
                        }
                    }

                    if (untilIdle && claimed == 0 && inFlight.Count == 0)
                    {
                        break;
                    }

                    // Wake on a nudge, the poll interval, a row handed over, or (when full) a finished row. Only a nudge or the
                    // poll interval sends it looking for due rows: a reply handed over is already at hand.
                    // Waiting throws nothing: the wake-ups are compared by count, and only the poll's timer is cancelled.
                    using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var poll = Task.Delay(_options.PollInterval, TimeProvider.System, wake.Token);
                    var waits = new List<Task> { poll, _signal.Nudges.After(nudgesSeen), _handOff.Handed.After(handedSeen) };
                    if (inFlight.Count > 0 && room < _options.BatchSize)
                    {
                        waits.Add(inFlight.Finished.After(finishedSeen));
                    }

                    await Task.WhenAny(waits);
                    await wake.CancelAsync();
                    var nudges = _signal.Nudges.Count;
                    claimDue |= poll.IsCompletedSuccessfully || nudges != nudgesSeen;
                    nudgesSeen = nudges;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: rows still waiting for their slot release their claims below; sends under way finish.
            }

            try
            {
                await inFlight.AllFinished();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Rows cancelled while waiting for their slot have released their claims.
            }

            await ReleaseHandedAsync();
        }
        finally
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
        }

        return (int)inFlight.Started;
    }

    /// <summary>Holds (or takes again) this instance's liveness lock: other instances leave its sends under way alone while it runs.</summary>
    private async Task HoldLivenessAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            await _liveness.HoldAsync(db, cancellationToken);
            await BeatAsync(db, _time.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogHeartbeatFailed(_logger, e);
        }
    }

    /// <summary>Renews this instance's claims every third of the lease while it runs: a live instance keeps its rows, a dead one loses them within a lease.</summary>
    private async Task HeartbeatAsync(CancellationToken stop)
    {
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ClaimDuration / 3, TimeProvider.System, stop);
                await HoldLivenessAsync(stop);
                await using var scope = _scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
                var now = _time.GetUtcNow();
                var prefix = ClaimPrefix;
                var working = _working.Keys.ToList();
                if (working.Count == 0)
                {
                    continue;
                }

                // A lease that ran out while this instance was slow is renewed too if the row is still ours: nobody took it.
                // Rows being sent are not: while this instance runs, another resolves them only when stuck (OutboxRecovery),
                // and renewing rewrites each row whole (payload and all) on SQLite.
                await db.Outbox.Where(o => working.Contains(o.Id) && o.ClaimedBy != null && o.ClaimedBy.StartsWith(prefix) && !o.ClaimedBy.EndsWith(SendingSuffix)
                        && o.SentAt == null && o.DeadLetteredAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedUntil, now + _options.ClaimDuration), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store failed: claims may run out and pass to another instance; the fence keeps a row from going twice.
                LogHeartbeatFailed(_logger, e);
            }
        }
    }

    /// <summary>
    /// Says that this instance is making progress (PostgreSQL: one row per instance, whatever its backlog). Another
    /// instance leaves a live instance's rows alone while its beat is recent, so a reply queued behind a burst for longer
    /// than a send can take is not mistaken for a stuck send. Every instance start has a new name, so rows of instances
    /// silent for a day are dropped on the way. SQLite has one instance per file: nothing to say.
    /// </summary>
    private async Task BeatAsync(ComplianceDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            var forgotten = now - ForgetSilentInstancesAfter;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "OutboxInstances" ("Name", "HeartbeatAt") VALUES ({_instance}, {now})
                ON CONFLICT ("Name") DO UPDATE SET "HeartbeatAt" = EXCLUDED."HeartbeatAt";
                DELETE FROM "OutboxInstances" WHERE "HeartbeatAt" < {forgotten};
                """, cancellationToken);
        }
    }

    private static readonly TimeSpan ForgetSilentInstancesAfter = TimeSpan.FromDays(1);

    /// <summary>Claims up to <paramref name="count"/> due rows for this instance (one atomic statement per provider), with their conversations.</summary>
    internal async Task<(List<OutboxMessage> Rows, Dictionary<Guid, ConversationReference> Conversations)> ClaimAsync(int count, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var now = _time.GetUtcNow();
        var until = now + _options.ClaimDuration;
        var token = $"{ClaimPrefix}{Guid.NewGuid():N}";
        if (db.Database.IsNpgsql())
        {
            // SKIP LOCKED: concurrent claimers pass over each other's rows instead of queueing behind them; a claimer whose
            // snapshot predates another's commit re-checks the row's claim on the newest version before updating it.
            await db.Database.ExecuteSqlAsync($"""
                UPDATE "Outbox" SET "ClaimedBy" = {token}, "ClaimedUntil" = {until}
                WHERE "Id" IN (
                    SELECT "Id" FROM "Outbox"
                    WHERE "SentAt" IS NULL AND "DeadLetteredAt" IS NULL AND "NextAttemptAt" <= {now}
                      AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= {now}) AND ("ClaimedBy" IS NULL OR "ClaimedBy" NOT LIKE {"%" + SendingSuffix})
                    ORDER BY "NextAttemptAt"
                    LIMIT {count}
                    FOR UPDATE SKIP LOCKED)
                """, cancellationToken);
        }
        else
        {
            // SQLite has one writer at a time: the conditional update is atomic, and a lost race claims fewer rows.
            var candidates = await Claimable(db.Outbox, now).OrderBy(o => o.NextAttemptAt).Select(o => o.Id).Take(count).ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                return ([], []);
            }

            using var turn = await db.WriteTurnAsync(cancellationToken);
            await Claimable(db.Outbox, now).Where(o => candidates.Contains(o.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedBy, token).SetProperty(o => o.ClaimedUntil, until), cancellationToken);
        }

        var rows = await db.Outbox.AsNoTracking().Where(o => o.ClaimedBy == token).OrderBy(o => o.NextAttemptAt).ToListAsync(cancellationToken);
        var ids = rows.Where(r => r.ConversationReferenceId is not null).Select(r => r.ConversationReferenceId!.Value).Distinct().ToList();
        var conversations = ids.Count == 0
            ? []
            : await db.ConversationReferences.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        return (rows, conversations);
    }

    private static IQueryable<OutboxMessage> Claimable(IQueryable<OutboxMessage> outbox, DateTimeOffset now) =>
        outbox.Where(o => o.SentAt == null && o.DeadLetteredAt == null && o.NextAttemptAt <= now
            && (o.ClaimedUntil == null || o.ClaimedUntil <= now) && (o.ClaimedBy == null || !o.ClaimedBy.EndsWith(SendingSuffix)));

    /// <summary>
    /// Starts the row once the conversation's previous row under way on this instance is done (claims come oldest first):
    /// replies, cards and updates reach a conversation in the order they were queued. The row's claim is renewed meanwhile.
    /// </summary>
    private void Start(RowsUnderWay inFlight, OutboxMessage row, ConversationReference? conversation, Card? card, CancellationToken cancellationToken)
    {
        _working[row.Id] = 0;
        inFlight.Start(row.ConversationReferenceId, previous => previous is null
            ? ProcessAsync(row, conversation, card, cancellationToken)
            : AfterAsync(previous, row, conversation, card, cancellationToken));
    }

    /// <summary>
    /// Starts the rows this instance has just written already claimed (<see cref="OutboxHandOff"/>), in the order they
    /// were handed over, with their conversations read in one query.
    /// </summary>
    private async Task TakeHandedAsync(RowsUnderWay inFlight, CancellationToken cancellationToken)
    {
        List<(OutboxMessage Row, Card Card)>? handed = null;
        while (_handOff.TryTake(out var next))
        {
            (handed ??= []).Add(next);
        }

        if (handed is null)
        {
            return;
        }

        // Conversations read in the last minute are taken as read: a reply's conversation was stored moments ago.
        var now = Stopwatch.GetTimestamp();
        var ids = handed.Select(h => h.Row.ConversationReferenceId ?? Guid.Empty)
            .Where(id => !_recentConversations.TryGetValue(id, out var known) || known.Until < now).Distinct().ToList();
        try
        {
            if (ids.Count > 0)
            {
                await using var scope = _scopes.CreateAsyncScope();
                var read = await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().ConversationReferences.AsNoTracking()
                    .Where(c => ids.Contains(c.Id)).ToListAsync(cancellationToken);
                if (_recentConversations.Count > RecentConversationsLimit)
                {
                    _recentConversations.Clear();
                }

                foreach (var conversation in read)
                {
                    _recentConversations[conversation.Id] = (conversation, now + (long)(RecentConversationsFor.TotalSeconds * Stopwatch.Frequency));
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store failed: the rows' claims run out unrenewed and the recovery sends them (their kind's in-doubt policy).
            LogStoreFailed(_logger, handed[0].Row.Id, e);
            return;
        }

        foreach (var (row, card) in handed)
        {
            var conversation = _recentConversations.TryGetValue(row.ConversationReferenceId ?? Guid.Empty, out var known) ? known.Conversation : null;
            Start(inFlight, row, conversation, card, cancellationToken);
        }
    }

    /// <summary>Stopping: rows handed over but not started are released, unclaimed, for whichever instance runs next.</summary>
    private async Task ReleaseHandedAsync()
    {
        while (_handOff.TryTake(out var handed))
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                await ReleaseAsync(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>(), handed.Row.Id, handed.Row.ClaimedBy!);
            }
            catch (Exception e)
            {
                LogStoreFailed(_logger, handed.Row.Id, e); // the claim runs out instead
            }
        }
    }

    private async Task AfterAsync(Task previous, OutboxMessage row, ConversationReference? conversation, Card? card, CancellationToken cancellationToken)
    {
        await previous.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (cancellationToken.IsCancellationRequested)
        {
            // Stopping before its turn came: released at once for whichever instance runs next.
            _working.TryRemove(row.Id, out _);
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                await ReleaseAsync(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>(), row.Id, row.ClaimedBy!);
            }
            catch (Exception e)
            {
                LogStoreFailed(_logger, row.Id, e); // the claim runs out instead
            }

            return;
        }

        await ProcessAsync(row, conversation, card, cancellationToken);
    }

    /// <summary>
    /// One claimed row: pace, fence, send, record. Never throws (but for cancellation while waiting). <paramref name="card"/>
    /// is the row's card when this instance has it at hand (it wrote the row); otherwise it is read from the row's JSON.
    /// </summary>
    private async Task ProcessAsync(OutboxMessage row, ConversationReference? conversation, Card? card, CancellationToken cancellationToken)
    {
        _working[row.Id] = 0;
        try
        {
            await ProcessClaimedAsync(row, conversation, card, cancellationToken);
        }
        finally
        {
            _working.TryRemove(row.Id, out _);
        }
    }

    private async Task ProcessClaimedAsync(OutboxMessage row, ConversationReference? conversation, Card? handed, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var claim = row.ClaimedBy!;
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        try
        {
            if (conversation is null && row.RecipientPersonId is not null)
            {
                conversation = await OpenPersonalChatAsync(db, scope.ServiceProvider, row, claim, cancellationToken);
                if (conversation is null)
                {
                    return; // retried later, or dead-lettered and the leads told
                }
            }

            if (conversation is null)
            {
                await RecordFailureAsync(db, row, claim, OutboxFailure.Permanently("The conversation to send to is not stored (any more)."));
                return;
            }

            Card card;
            try
            {
                card = handed ?? CardJson.Deserialize(row.Payload);
            }
            catch (System.Text.Json.JsonException e)
            {
                await RecordFailureAsync(db, row, claim, OutboxFailure.Permanently($"The payload is not a card: {e.Message}"));
                return;
            }

            if (row.ReplacesMessageId is { } replaces && await db.Outbox.AnyAsync(o => o.ConversationReferenceId == row.ConversationReferenceId
                    && o.ReplacesMessageId == replaces && o.CreatedAt > row.CreatedAt && o.DeadLetteredAt == null, cancellationToken))
            {
                // A later card replaces the same message: sending this one could only show an older state.
                await RecordSentAsync(db, row, conversation, null, "Not sent: a later update of the same message replaced it.");
                return;
            }

            var keys = PacingKeys(_options, conversation, update: row.ReplacesMessageId is not null);
            var shared = db.Database.IsNpgsql();
            try
            {
                // Only a few seconds of work are held: a row whose slot (conversation, then tenant) is further away is put
                // back for whichever instance has a slot first. Waiting here, the row is merely claimed: a crash loses nothing.
                var busy = shared
                    ? await WaitForSharedConversationAsync(db, keys[0], cancellationToken)
                    : await _pacer.WaitAsync(keys[0], DateTimeOffset.UtcNow + _options.ClaimAhead, cancellationToken);
                if (busy is { } later)
                {
                    await PutBackAsync(db, row, claim, later);
                    return;
                }

                await _sends.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await ReleaseAsync(db, row.Id, claim);
                return;
            }

            try
            {
                // The tenant's slot last, holding a send: nothing stands between the slot and the request's start, so sends
                // that waited for one thing or another cannot start together and exceed the tenant's rate.
                DateTimeOffset? free;
                try
                {
                    free = await WaitForBudgetAsync(db, keys[^1], cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    await ReleaseAsync(db, row.Id, claim);
                    return;
                }

                if (free is { } later)
                {
                    await PutBackAsync(db, row, claim, later);
                    return;
                }

                await SendAsync(db, scope.ServiceProvider, row, claim, conversation, card, keys);
            }
            finally
            {
                _sends.Release();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The store failed: the claim runs out and the row is claimed again (or, if it was being sent, handled as cut off).
            LogStoreFailed(_logger, row.Id, e);
        }
    }

    /// <summary>
    /// The sustained spacing that keeps every one of the key's windows (Teams' conversation: 60 in 30 s, one every half
    /// second; a tenant: 50 a second; a Slack channel: one a second). The shared budgets space sends evenly at it.
    /// </summary>
    private static TimeSpan SharedInterval(PacingKey key) => key.Limits.Max(l => l.Window / l.Count);

    /// <summary>
    /// Takes the conversation's shared slot once it is free (waiting for it when that is within
    /// <see cref="OutboxOptions.ClaimAhead"/>): sends into one conversation take their slots at least its spacing apart,
    /// from any instance. Returns null once taken; otherwise when it would be free, for the row to be put back.
    /// </summary>
    private async Task<DateTimeOffset?> WaitForSharedConversationAsync(ComplianceDbContext db, PacingKey key, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= SharedConversationAttempts; attempt++)
        {
            var free = await SharedRateBudget.FreeInAsync(db, key.Name, cancellationToken);
            if (free > _options.ClaimAhead)
            {
                return DateTimeOffset.UtcNow + free;
            }

            if (free > TimeSpan.Zero)
            {
                await Task.Delay(free, TimeProvider.System, cancellationToken);
            }

            // Only if free now: another instance may have taken it while this one waited; then look again.
            if ((await SharedRateBudget.TakeAsync(db, key.Name, SharedInterval(key), TimeSpan.Zero, cancellationToken)).Wait is not null)
            {
                return null;
            }
        }

        return DateTimeOffset.UtcNow + SharedInterval(key);
    }

    /// <summary>
    /// The tenant's (workspace's) slot: on PostgreSQL from the budget every instance shares, else from this instance's
    /// pacer. Null once the slot has come; otherwise when it would be free (further away than a claim may wait).
    /// </summary>
    private async Task<DateTimeOffset?> WaitForBudgetAsync(ComplianceDbContext db, PacingKey key, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return await _pacer.WaitAsync(key, DateTimeOffset.UtcNow + _options.ClaimAhead, cancellationToken);
        }

        var interval = SharedInterval(key);
        while (true)
        {
            var (wait, free) = await SharedRateBudget.TakeAsync(db, key.Name, interval, _options.ClaimAhead, cancellationToken);
            if (wait is null)
            {
                return DateTimeOffset.UtcNow + free;
            }

            var slot = Stopwatch.GetTimestamp();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait.Value, TimeProvider.System, cancellationToken);
            }

            // Woken late (a busy machine): sends that waited together would start together, so one more than a quarter
            // of the spacing late takes a fresh slot rather than spend a stale one.
            if (Stopwatch.GetElapsedTime(slot) - wait.Value <= interval / 4)
            {
                return null;
            }
        }
    }

    private async Task SendAsync(ComplianceDbContext db, IServiceProvider services, OutboxMessage row, string claim, ConversationReference conversation, Card card, IReadOnlyList<PacingKey> keys)
    {
        // The fence, at the moment the request starts: only while this instance's claim still holds; marks the row as
        // being sent (and since when), so that after a crash exactly the requests that had started are in doubt. A row
        // this instance wrote as being sent by it (OutboxHandOff) is fenced already, while it is fresh: the recovery takes
        // a live instance's send only once it is stuck (SendTimeout after it started). One that waited longer (a burst
        // queued behind its conversation) is fenced again here, so it is never sent after the recovery took it.
        var sending = claim.EndsWith(SendingSuffix, StringComparison.Ordinal) ? claim : claim + SendingSuffix;
        var now = _time.GetUtcNow();
        var fresh = sending == claim && row.SendStartedAt is { } started && now - started < FreshFor;
        if (!fresh)
        {
            using var turn = await db.WriteTurnAsync();
            var fenced = await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == claim && (o.ClaimedUntil > now || o.ClaimedBy == sending) && o.SentAt == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.ClaimedBy, sending)
                    .SetProperty(o => o.ClaimedUntil, now + _options.ClaimDuration)
                    .SetProperty(o => o.SendStartedAt, now));
            if (fenced == 0)
            {
                LogClaimLost(_logger, row.Id);
                return;
            }
        }

        string? messageId;
        try
        {
            using var timeout = new CancellationTokenSource(_options.SendTimeout);
            using (DispatchedCall.Begin())
            {
                // Not the stopping token: a send under way finishes, so its outcome is known and recorded.
                var sender = services.GetRequiredService<ChatChannels>().For(conversation.Platform);
                if (row.ReplacesMessageId is { } replaced)
                {
                    await sender.UpdateAsync(conversation, replaced, card, timeout.Token);
                    messageId = replaced;
                }
                else
                {
                    messageId = await sender.SendAsync(conversation, card, row.IdempotencyKey, row.ReplyToId, timeout.Token);
                }
            }
        }
        catch (Exception e)
        {
            var failure = OutboxFailure.Classify(e, _options.ResendAfterCrash);
            if (failure.Throttled && failure.RetryAfter is { } pause)
            {
                foreach (var key in keys)
                {
                    _pacer.Hold(key, DateTimeOffset.UtcNow + pause);
                }

                if (db.Database.IsNpgsql())
                {
                    try
                    {
                        foreach (var key in keys)
                        {
                            await SharedRateBudget.HoldAsync(db, key.Name, pause, CancellationToken.None); // every instance waits, not just this one
                        }
                    }
                    catch (Exception holdFailed) when (holdFailed is not OperationCanceledException)
                    {
                        LogStoreFailed(_logger, row.Id, holdFailed);
                    }
                }
            }

            await RecordAsync(db, row.Id, d => RecordFailureAsync(d, row, sending, failure));
            return;
        }

        await RecordAsync(db, row.Id, d => RecordSentAsync(d, row, conversation, messageId));
    }

    /// <summary>
    /// Records a send's outcome, trying again (on a fresh context, the row still renewed by the heartbeat) when the store
    /// fails: an outcome that is known must not be left for the recovery to treat as a send cut off by a crash.
    /// </summary>
    private async Task RecordAsync(ComplianceDbContext db, Guid id, Func<ComplianceDbContext, Task> record)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (attempt == 1)
                {
                    await record(db);
                }
                else
                {
                    await using var scope = _scopes.CreateAsyncScope();
                    await record(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>());
                }

                return;
            }
            catch (Exception e) when (attempt < RecordAttempts)
            {
                LogRecordRetrying(_logger, id, attempt, e);
                await Task.Delay(RecordRetryDelay * attempt, TimeProvider.System, CancellationToken.None);
            }
        }
    }

    private async Task RecordSentAsync(ComplianceDbContext db, OutboxMessage row, ConversationReference conversation, string? messageId, string? note = null)
    {
        var now = _time.GetUtcNow();
        var copy = row is { SubjectType: not null, SubjectId: not null, Audience: not null, ReplacesMessageId: null } && messageId is not null;
        if (!copy && note is null)
        {
            // Most sends (replies, reminders, updates): recorded with whatever else finished meanwhile, in one transaction.
            if (!await _recorder.RecordAsync(row.Id, messageId, now))
            {
                LogSentTwice(_logger, row.Id, row.IdempotencyKey);
            }

            LogSent(_logger, row.Id, row.Kind, row.Platform);
            return;
        }

        // A card about something is recorded with its copy (so later changes update it), in one transaction.
        using var turn = await db.WriteTurnAsync(CancellationToken.None);
        await using var transaction = copy ? await db.Database.BeginTransactionAsync(CancellationToken.None) : null;
        var recorded = await db.Outbox.Where(o => o.Id == row.Id && o.SentAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.SentAt, now)
                .SetProperty(o => o.SentMessageId, messageId)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.LastError, note)
                .SetProperty(o => o.ClaimedBy, (string?)null)
                .SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (recorded == 0)
        {
            LogSentTwice(_logger, row.Id, row.IdempotencyKey);
        }
        else if (row is { SubjectType: { } type, SubjectId: { } subject, Audience: { } audience, ReplacesMessageId: null } && messageId is not null)
        {
            db.CardMessages.Add(new CardMessage
            {
                SubjectType = type,
                SubjectId = subject,
                ConversationReferenceId = conversation.Id,
                MessageId = messageId,
                Audience = audience,
                CreatedAt = now,
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(CancellationToken.None);
        }

        LogSent(_logger, row.Id, row.Kind, row.Platform);
    }

    /// <summary>Reschedules the row (Retry-After, or backoff with jitter), or dead-letters it (reported with its incident), in one statement.</summary>
    private async Task RecordFailureAsync(ComplianceDbContext db, OutboxMessage row, string claim, OutboxFailure failure)
    {
        var now = _time.GetUtcNow();
        var attempts = failure.Throttled ? row.Attempts : row.Attempts + 1;
        if (!failure.Permanent && attempts < _options.MaxAttempts)
        {
            var next = now + (failure.RetryAfter ?? Backoff(attempts));
            await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == claim && o.SentAt == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Attempts, attempts)
                    .SetProperty(o => o.NextAttemptAt, next)
                    .SetProperty(o => o.LastError, failure.Error)
                    .SetProperty(o => o.ClaimedBy, (string?)null)
                    .SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
            LogRetrying(_logger, row.Id, row.Kind, attempts, next, failure.Error);
            return;
        }

        await DeadLetterAsync(db, row, claim, attempts, failure.Error, inDoubt: false);
    }

    /// <summary>Gives up on the row (or, <paramref name="inDoubt"/>, holds it for a lead); the next incident report tells the leads.</summary>
    private async Task DeadLetterAsync(ComplianceDbContext db, OutboxMessage row, string claim, int attempts, string error, bool inDoubt)
    {
        var now = _time.GetUtcNow();
        var dead = await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == claim && o.SentAt == null && o.DeadLetteredAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Attempts, attempts)
                .SetProperty(o => o.DeadLetteredAt, now)
                .SetProperty(o => o.InDoubtAt, o => inDoubt ? now : o.InDoubtAt)
                .SetProperty(o => o.IncidentId, (Guid?)null) // a message resent from an incident that fails again is a new incident
                .SetProperty(o => o.LastError, error)
                .SetProperty(o => o.ClaimedBy, (string?)null)
                .SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        if (dead == 1)
        {
            LogDeadLettered(_logger, row.Id, row.Kind, attempts, error);
        }
    }

    /// <summary>Unclaims a row that was not sent, due again when its pacing slot would be (not counted as an attempt).</summary>
    private async Task PutBackAsync(ComplianceDbContext db, OutboxMessage row, string claim, DateTimeOffset free)
    {
        var next = _time.GetUtcNow() + (free - DateTimeOffset.UtcNow) - _options.ClaimAhead;
        using var turn = await db.WriteTurnAsync(CancellationToken.None);
        await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == claim && o.SentAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.NextAttemptAt, next)
                .SetProperty(o => o.ClaimedBy, (string?)null)
                .SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        LogPutBack(_logger, row.Id, next);
    }

    private static async Task ReleaseAsync(ComplianceDbContext db, Guid id, string claim) =>
        await db.Outbox.Where(o => o.Id == id && o.ClaimedBy == claim)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedBy, (string?)null).SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);

    /// <summary>Exponential from <see cref="OutboxOptions.RetryBaseDelay"/>, capped, with "equal jitter": between half and all of it.</summary>
    internal TimeSpan Backoff(int failedAttempts)
    {
        var exponential = _options.RetryBaseDelay * Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var capped = exponential < _options.RetryMaxDelay ? exponential : _options.RetryMaxDelay;
        return (capped / 2) + (capped / 2 * Random.Shared.NextDouble());
    }

    /// <summary>
    /// Teams: the conversation's windows, then the tenant's second. Slack: the channel, then the workspace, for the method
    /// the row calls (a post, or the update of a posted card). Each key's
    /// shortest window is also spread evenly (50 per second: one every 21 ms, not 50 at once and then none), so sends
    /// that a busy machine delays unevenly still do not bunch into more than the limit in any window where they arrive.
    /// </summary>
    internal static IReadOnlyList<PacingKey> PacingKeys(OutboxOptions options, ConversationReference conversation, bool update)
    {
        var margin = options.PacingMargin;
        PacingLimit Limit(int count, TimeSpan window) => new(count, window + margin);
        PacingLimit Even(int count, TimeSpan window) => new(1, (window + margin) / count);
        // Slack limits each Web API method on its own: a card's update (chat.update, Tier 3) does not spend the budget of posts.
        var method = update ? "chat.update" : "chat.postMessage";
        var workspacePerMinute = update ? options.SlackUpdatesPerMinute : options.SlackWorkspacePerMinute;
        return conversation.Platform == Platform.Slack
            ?
            [
                new($"slack|{method}|channel|{conversation.ConversationId}", [Limit(1, options.SlackChannelInterval)]),
                new($"slack|{method}|workspace|{conversation.TenantId}",
                    [Limit(workspacePerMinute, TimeSpan.FromMinutes(1)), Even(workspacePerMinute, TimeSpan.FromMinutes(1))]),
            ]
            :
            [
                new($"teams|conversation|{conversation.ConversationId}",
                [
                    Limit(options.TeamsConversationPerSecond, TimeSpan.FromSeconds(1)),
                    Limit(options.TeamsConversationPerTwoSeconds, TimeSpan.FromSeconds(2)),
                    Limit(options.TeamsConversationPerThirtySeconds, TimeSpan.FromSeconds(30)),
                    Even(options.TeamsConversationPerSecond, TimeSpan.FromSeconds(1)),
                ]),
                new($"teams|tenant|{conversation.TenantId ?? conversation.ServiceUrl}",
                    [Limit(options.TeamsTenantPerSecond, TimeSpan.FromSeconds(1)), Even(options.TeamsTenantPerSecond, TimeSpan.FromSeconds(1))]),
            ];
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _sends.Dispose();
        _recovering.Dispose();
        _liveness.Dispose();
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Outbox message {Id} ({Kind}) sent on {Platform}")]
    private static partial void LogSent(ILogger logger, Guid id, string kind, Platform platform);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Outbox message {Id} ({Kind}) failed (attempt {Attempts}); next attempt at {Next:O}: {Error}")]
    private static partial void LogRetrying(ILogger logger, Guid id, string kind, int attempts, DateTimeOffset next, string error);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Outbox message {Id} ({Kind}) dead-lettered after {Attempts} attempt(s): {Error}")]
    private static partial void LogDeadLettered(ILogger logger, Guid id, string kind, int attempts, string error);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Outbox message {Id}: the claim ran out before it was sent; it will be claimed again")]
    private static partial void LogClaimLost(ILogger logger, Guid id);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Error, Message = "Outbox message {Id} ({Key}) was sent but another send was already recorded")]
    private static partial void LogSentTwice(ILogger logger, Guid id, string key);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Outbox message {Id} was cut off while being sent by {Claim}")]
    private static partial void LogCutOff(ILogger logger, Guid id, string claim);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Debug, Message = "Outbox message {Id}: its pacing slot is further away than its claim lasts; due again at {Next:O}")]
    private static partial void LogPutBack(ILogger logger, Guid id, DateTimeOffset next);

    [LoggerMessage(EventId = 2108, Level = LogLevel.Warning, Message = "The outbox heartbeat could not renew this instance's claims")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2109, Level = LogLevel.Warning, Message = "Outbox message {Id}: could not look up whether its cut-off send arrived: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, Guid id, string error);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Outbox message {Id}: cut-off send {Outcome}")]
    private static partial void LogResolved(ILogger logger, Guid id, string outcome);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Outbox incident {Incident}: {Count} message(s) dead-lettered or in doubt, reported to the leads")]
    private static partial void LogIncidentReported(ILogger logger, Guid incident, int count);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Warning, Message = "Outbox recovery failed; it runs again within a second")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Warning, Message = "Outbox message {Id}: recording the send's outcome failed (attempt {Attempt}); trying again")]
    private static partial void LogRecordRetrying(ILogger logger, Guid id, int attempt, Exception exception);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Outbox message {Id}: the store failed; the claim will run out and the row be tried again")]
    private static partial void LogStoreFailed(ILogger logger, Guid id, Exception exception);
}
