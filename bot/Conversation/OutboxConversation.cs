using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Jobs.Outbox;

namespace ChatCompliance.Bot.Conversation;

/// <summary>The Resend button of an undelivered-messages alert: a compliance lead sends the held messages again.</summary>
internal sealed class OutboxConversation(ComplianceDbContext db, ChangeRecorder changes, OutboxSignal outbox, TimeProvider time)
{
    public async Task<ChatReply> ResendAsync(ChatEvent chat, Person? actor, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(chat.Value(CardDataKeys.Incident), out var incident))
        {
            return new TextReply("Sorry, I don't recognise that button any more. Type **help** to see what I can do.");
        }

        var (outcome, count) = await OutboxResend.ResendAsync(db, changes, new TaskActor(actor, chat.User.Platform, chat.User.UserId), incident, time.GetUtcNow(), cancellationToken);
        switch (outcome)
        {
            case OutboxResendOutcome.Resent:
                outbox.Nudge();
                return new TextReply($"Resending {count} held message(s) now. If one fails again you'll get a new alert.");
            case OutboxResendOutcome.NotALead:
                return new TextReply("Only a compliance lead can resend undelivered messages. Nothing was sent.");
            case OutboxResendOutcome.NothingHeld:
                return new TextReply("Nothing to resend: the messages this alert held were already resent.");
            default:
                return new TextReply("I can't find that delivery alert any more. Nothing was sent.");
        }
    }
}
