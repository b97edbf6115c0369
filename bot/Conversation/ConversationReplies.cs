using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Outbox;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// The way a reply leaves, on every platform: queued in the outbox once decided (the request that asked is then answered
/// at once, never held for the platform's send budget), and sent by the dispatcher at the platform's pace, in order per
/// conversation, retried and recovered like every other message.
/// </summary>
internal sealed class ConversationReplies(ComplianceDbContext db, OutboxSignal outbox, OutboxHandOff handOff, TimeProvider time)
{
    /// <summary>The longest platform message id kept as the message a reply answers; a longer one is answered as a new message.</summary>
    private const int MaxReplyToLength = 200;

    /// <summary>
    /// Queues <paramref name="reply"/> (nothing for <see cref="NoReply"/>) in the conversation, answering
    /// <paramref name="replyToId"/> when given (Teams: the activity; Slack: the thread). With <paramref name="once"/>, a reply
    /// to the platform's message <paramref name="inboundId"/> is queued once however often the platform delivers it.
    /// </summary>
    public async Task QueueAsync(Platform platform, Guid conversation, ChatReply reply, string? inboundId, bool once, string? replyToId = null,
        CancellationToken cancellationToken = default)
    {
        if (reply.Message is not { } card)
        {
            return;
        }

        var replyTo = replyToId is { Length: > 0 and <= MaxReplyToLength } ? replyToId : null;
        var now = time.GetUtcNow();
        // Written already being sent by this instance, and handed straight to its dispatcher (see OutboxHandOff).
        var claim = handOff.Claim(now);
        var row = await db.QueueReplyAsync(OutboxQueue.ReplyKey(conversation, inboundId, once), card, platform, conversation, replyTo, now,
            claim?.ClaimedBy, claim?.ClaimedUntil, cancellationToken);
        if (row is null)
        {
            return; // queued before: the platform delivered the message again
        }

        if (claim is not null)
        {
            handOff.Send(row, card);
        }
        else
        {
            outbox.Nudge();
        }
    }
}
