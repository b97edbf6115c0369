using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>Waits (polling, bounded) for the outbox dispatcher, so a test sees what the bot sent after a change.</summary>
public static class OutboxWait
{
    /// <summary>
    /// Until no message is waiting to be sent (every row sent or dead-lettered) and every dead-lettered or in-doubt one
    /// has been reported to the leads; fails after <paramref name="timeout"/>.
    /// </summary>
    public static async Task DrainedAsync(IServiceProvider services, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
                var pending = await db.Outbox.AsNoTracking().Where(o => (o.SentAt == null && o.DeadLetteredAt == null)
                    || (o.IncidentId == null && o.Kind != OutboxDispatcher.DeadLetterAlertKind && (o.DeadLetteredAt != null || o.InDoubtAt != null))).OrderBy(o => o.CreatedAt).Take(3).ToListAsync();
                if (pending.Count == 0)
                {
                    return;
                }

                Assert.True(DateTime.UtcNow < deadline, "The outbox was not drained in time; waiting still: "
                    + string.Join("; ", pending.Select(o => $"{o.IdempotencyKey} attempts {o.Attempts}, next {o.NextAttemptAt:O}, dead {o.DeadLetteredAt:O}, in doubt {o.InDoubtAt:O}, claimed by {o.ClaimedBy} until {o.ClaimedUntil:O}, error {o.LastError}")));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Until every reply the bot queued in answer to the platform message <paramref name="inboundId"/> (a Teams activity
    /// id) has left the outbox, sent or given up. Replies are queued before the request is answered, so none queued means
    /// none will be; fails after <paramref name="timeout"/>.
    /// </summary>
    public static Task RepliesSentAsync(IServiceProvider services, string? inboundId, TimeSpan? timeout = null)
    {
        if (inboundId is null)
        {
            return Task.CompletedTask;
        }

        var id = ":" + inboundId;
        return UntilAsync(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            return !await db.Outbox.AnyAsync(o => o.Kind == OutboxQueue.ReplyKind && (o.IdempotencyKey.EndsWith(id) || o.IdempotencyKey.Contains(id + ":"))
                && o.SentAt == null && o.DeadLetteredAt == null);
        }, $"the replies to {inboundId} were sent", timeout);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }
}
