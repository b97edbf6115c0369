using System.Diagnostics;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.People;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>After a crash: sends cut off mid-request resolved (Slack) or handled by policy (Teams), and incidents reported once.</summary>
internal sealed partial class OutboxDispatcher
{
    /// <summary>How far before the send's start the channel's history is read (clocks differ).</summary>
    private static readonly TimeSpan HistorySlack = TimeSpan.FromMinutes(5);

    /// <summary>Beyond a send's timeout, the time its instance has to record the outcome (its attempts and pauses, and more).</summary>
    private static readonly TimeSpan StuckGrace = TimeSpan.FromSeconds(30);

    /// <summary>Rows reported in one incident card at most; more are reported by the next.</summary>
    private const int MaxPerIncident = 500;

    private int _pendingSignature;
    private long _pendingSince;

    /// <summary>At most once a second per instance: sends cut off by their instance's death are resolved, then a settled incident is reported.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        if (Stopwatch.GetTimestamp() < Interlocked.Read(ref _nextRecovery) || !await _recovering.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref _nextRecovery, Stopwatch.GetTimestamp() + (long)(RecoveryInterval.TotalSeconds * Stopwatch.Frequency));
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            var now = _time.GetUtcNow();
            // Only once the lease has run out: a dead instance's last renewal is honoured, so what was on the wire when it
            // died stays marked as such for a few seconds (operators and the crash tests read it) before it is resolved.
            var sending = await db.Outbox.AsNoTracking()
                .Where(o => o.SentAt == null && o.DeadLetteredAt == null && o.ClaimedUntil <= now && o.ClaimedBy!.EndsWith(SendingSuffix))
                .OrderBy(o => o.Id) // any order will do; a stated one keeps EF Core from warning
                .Take(_options.BatchSize).ToListAsync(cancellationToken);
            var alive = new Dictionary<string, bool>(StringComparer.Ordinal);
            var progressing = new Dictionary<string, bool>(StringComparer.Ordinal);
            var cutOff = new List<OutboxMessage>();
            foreach (var row in sending)
            {
                if (row.ClaimedBy!.StartsWith(ClaimPrefix, StringComparison.Ordinal) && _working.ContainsKey(row.Id))
                {
                    // Ours and still in hand (a reply written as being sent that waits its turn behind a burst, or a send
                    // under way): this instance finishes it. Its lease is not renewed while it waits, so without this a
                    // long enough burst would look like a stuck send to the instance that holds it.
                    continue;
                }

                var owner = InstanceLiveness.OwnerOf(row.ClaimedBy!);
                if (!alive.TryGetValue(owner, out var runs))
                {
                    alive[owner] = runs = await _liveness.IsAliveAsync(db, owner, cancellationToken);
                }

                if (!runs || (IsStuck(row, now) && !await IsProgressingAsync(db, owner, now, progressing, cancellationToken)))
                {
                    cutOff.Add(row);
                }
            }

            foreach (var row in cutOff)
            {
                _working[row.Id] = 0;
                try
                {
                    await ResolveCutOffAsync(db, scope.ServiceProvider, row, cancellationToken);
                }
                finally
                {
                    _working.TryRemove(row.Id, out _);
                }
            }

            await ReportIncidentAsync(db, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogRecoveryFailed(_logger, e);
        }
        finally
        {
            _recovering.Release();
        }
    }

    /// <summary>
    /// Whether <paramref name="owner"/>, another live instance, has beaten lately (<see cref="BeatAsync"/>): then its rows,
    /// however old, are waiting their turn there, not stuck. Never true of this instance (it knows its own rows) or on SQLite.
    /// </summary>
    private async Task<bool> IsProgressingAsync(ComplianceDbContext db, string owner, DateTimeOffset now, Dictionary<string, bool> known, CancellationToken cancellationToken)
    {
        if (owner == _instance || !db.Database.IsNpgsql())
        {
            return false;
        }

        if (!known.TryGetValue(owner, out var beating))
        {
            var since = now - (_options.ClaimDuration * 2);
            known[owner] = beating = await db.OutboxInstances.AnyAsync(i => i.Name == owner && i.HeartbeatAt > since, cancellationToken);
        }

        return beating;
    }

    /// <summary>
    /// A send whose instance still runs but which is neither renewed nor recorded long after its request must have ended
    /// (the instance lost its store, or hangs, and so has stopped beating): handled as cut off. A live instance's send that
    /// is merely slow, or waits its turn, is left alone.
    /// </summary>
    private bool IsStuck(OutboxMessage row, DateTimeOffset now) =>
        (row.SendStartedAt ?? row.CreatedAt) + _options.SendTimeout + StuckGrace <= now;

    /// <summary>
    /// A row left "sending" by an instance that died mid-request. Slack: found in the channel's history by its key
    /// (recorded as sent) or not (sent again). Teams (or a Slack history that cannot be read): in doubt; its kind's
    /// policy resends it or holds it (dead-lettered) for a lead.
    /// </summary>
    private async Task ResolveCutOffAsync(ComplianceDbContext db, IServiceProvider services, OutboxMessage row, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var mine = $"{ClaimPrefix}recover-{Guid.NewGuid():N}{SendingSuffix}";
        var taken = await db.Outbox.Where(o => o.Id == row.Id && o.ClaimedBy == row.ClaimedBy && o.ClaimedUntil <= now && o.SentAt == null && o.DeadLetteredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.ClaimedBy, mine).SetProperty(o => o.ClaimedUntil, now + _options.ClaimDuration), cancellationToken);
        if (taken == 0)
        {
            return; // another instance is resolving it
        }

        LogCutOff(_logger, row.Id, row.ClaimedBy!);
        var started = row.SendStartedAt is { } at ? $"{at:yyyy-MM-dd HH:mm:ss} UTC" : "an unknown time";
        if (row.ReplacesMessageId is not null)
        {
            // Replacing a message twice shows the same card: whether or not the first request arrived, send it again.
            LogResolved(_logger, row.Id, "a card update: sent again");
            await RequeueAsync(db, row.Id, mine, inDoubt: false,
                $"The update started at {started} was cut off by a crash; updating a card twice shows the same card, so it is sent again.");
            return;
        }

        var conversation = row.ConversationReferenceId is { } id
            ? await db.ConversationReferences.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken)
            : null;
        var lookup = SentLookup.Unknowable;
        var unreadable = "";
        if (conversation is not null)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.SendTimeout);
                lookup = await services.GetRequiredService<ChatChannels>().For(conversation.Platform)
                    .FindSentAsync(conversation, row.IdempotencyKey, (row.SendStartedAt ?? row.CreatedAt) - HistorySlack, timeout.Token);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var failure = OutboxFailure.Classify(e, resendUncertain: true);
                LogLookupFailed(_logger, row.Id, failure.Error);
                if (!failure.Permanent)
                {
                    return; // the lease runs out and the next pass asks again
                }

                unreadable = $" (the channel's history could not be read: {failure.Error})";
            }
        }

        if (lookup is { Knowable: true, MessageId: { } messageId })
        {
            LogResolved(_logger, row.Id, "found in the channel's history: recorded as sent");
            await RecordSentAsync(db, row, conversation!, messageId,
                $"The send started at {started} was cut off by a crash; the message was found in the channel's history, so it was not sent again.");
            return;
        }

        if (lookup.Knowable)
        {
            LogResolved(_logger, row.Id, "not in the channel's history: sent again");
            await RequeueAsync(db, row.Id, mine, inDoubt: false,
                $"The send started at {started} was cut off by a crash; the message was not in the channel's history, so it is sent again.");
            return;
        }

        var policy = _options.InDoubtPolicyFor(row.Kind);
        if (policy == InDoubtPolicy.Resend)
        {
            await RequeueAsync(db, row.Id, mine, inDoubt: true,
                $"The send started at {started} was cut off by a crash: it may or may not have arrived{unreadable}. Its kind's policy sends it again (it may show twice).");
        }
        else
        {
            await DeadLetterAsync(db, row, mine, row.Attempts + 1,
                $"The send started at {started} was cut off by a crash: it may or may not have arrived{unreadable}. Held for a lead: it is sent again only when a lead chooses Resend.", inDoubt: true);
        }
    }

    /// <summary>Unclaims a cut-off row to be sent again at once (<paramref name="inDoubt"/>: recorded as in doubt, reported with its incident).</summary>
    private async Task RequeueAsync(ComplianceDbContext db, Guid id, string claim, bool inDoubt, string note)
    {
        var now = _time.GetUtcNow();
        await db.Outbox.Where(o => o.Id == id && o.ClaimedBy == claim && o.SentAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.NextAttemptAt, now)
                .SetProperty(o => o.InDoubtAt, o => inDoubt ? now : o.InDoubtAt)
                .SetProperty(o => o.IncidentId, o => inDoubt ? null : o.IncidentId)
                .SetProperty(o => o.LastError, note)
                .SetProperty(o => o.ClaimedBy, (string?)null)
                .SetProperty(o => o.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
        _signal.Nudge();
    }

    /// <summary>
    /// Messages dead-lettered or in doubt and not yet reported, once that set has stopped growing for
    /// <see cref="OutboxOptions.IncidentQuietPeriod"/>: one card to every active lead (and the digest channels), and
    /// the rows marked with the incident in the same transaction, so that two instances never report them twice.
    /// </summary>
    private async Task ReportIncidentAsync(ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var pending = await db.Outbox.AsNoTracking()
            .Where(o => o.IncidentId == null && o.Kind != DeadLetterAlertKind && (o.DeadLetteredAt != null || o.InDoubtAt != null))
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).Take(MaxPerIncident).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            _pendingSignature = 0;
            return;
        }

        var signature = pending.Aggregate(pending.Count, (hash, row) => HashCode.Combine(hash, row.Id, row.DeadLetteredAt));
        if (signature != _pendingSignature)
        {
            (_pendingSignature, _pendingSince) = (signature, Stopwatch.GetTimestamp());
        }

        if (Stopwatch.GetElapsedTime(_pendingSince) < _options.IncidentQuietPeriod)
        {
            return; // the incident may still be growing: one card for all of it
        }

        var ids = pending.Select(r => r.Id).ToList();
        var conversationIds = pending.Where(r => r.ConversationReferenceId is not null).Select(r => r.ConversationReferenceId!.Value).Distinct().ToList();
        var conversations = await db.ConversationReferences.AsNoTracking().Where(c => conversationIds.Contains(c.Id)).ToListAsync(cancellationToken);
        var personIds = conversations.Where(c => c.PersonId is not null).Select(c => c.PersonId!.Value)
            .Concat(pending.Where(r => r.RecipientPersonId is not null).Select(r => r.RecipientPersonId!.Value)).Distinct().ToList();
        var names = await db.People.AsNoTracking().Where(p => personIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.DisplayName, cancellationToken);
        var recipients = conversations.ToDictionary(c => c.Id, c => c.PersonId is { } person && names.TryGetValue(person, out var name)
            ? name
            : $"{(c.Scope == ConversationScope.Personal ? "conversation" : "channel")} {c.Name ?? c.ConversationId} ({c.Platform})");
        var incident = Guid.NewGuid();
        var now = _time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var marked = await db.Outbox.Where(o => ids.Contains(o.Id) && o.IncidentId == null).ExecuteUpdateAsync(s => s.SetProperty(o => o.IncidentId, incident), cancellationToken);
        if (marked != ids.Count)
        {
            await transaction.RollbackAsync(cancellationToken); // another instance reported some of them
            return;
        }

        var card = OutboxAlerts.Incident(incident, pending, row => row switch
        {
            { ConversationReferenceId: { } c } when recipients.TryGetValue(c, out var who) => who,
            { RecipientPersonId: { } p } when names.TryGetValue(p, out var name) => name,
            _ => "an unknown conversation",
        });
        foreach (var lead in await db.ActiveLeadIdsAsync(cancellationToken))
        {
            await db.EnqueueForPersonAsync($"outbox-incident:{incident:N}:{lead:N}", DeadLetterAlertKind, card, lead, now, cancellationToken: cancellationToken);
        }

        // And the compliance channel: wherever the leads' weekly digest goes (unless that is where delivery failed).
        var channels = await db.ChannelSubscriptions.AsNoTracking().Where(s => s.Topic == SubscriptionTopic.Digests)
            .Select(s => s.Conversation!).ToListAsync(cancellationToken);
        foreach (var channel in channels.Where(c => !conversationIds.Contains(c.Id)))
        {
            await db.EnqueueAsync($"outbox-incident:{incident:N}:{channel.Id:N}", DeadLetterAlertKind, card, channel, now, cancellationToken: cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _pendingSignature = 0;
        LogIncidentReported(_logger, incident, pending.Count);
        _signal.Nudge();
    }
}
