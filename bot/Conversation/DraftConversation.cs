using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Curation;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// The curation loop in chat, the same on Teams and Slack: <b>Save as draft</b> on a lead's answer, <c>kb drafts</c>
/// (Approve / Edit / Reject per draft) and the edit form. Only compliance leads; every refusal is a polite sentence and
/// changes nothing. The decisions themselves are <see cref="KnowledgeDrafts"/>'s, as for the admin API.
/// </summary>
internal sealed class DraftConversation(KnowledgeDrafts drafts, ComplianceDbContext db)
{
    /// <summary>Whether the message is the drafts command.</summary>
    public static bool IsCommand(string command) => command is "kb drafts" or "kb draft" or "drafts";

    public async Task<ChatReply> ListAsync(Person? actor, CancellationToken cancellationToken, string? notice = null, bool replaces = false)
    {
        if (!IsLead(actor))
        {
            return new TextReply(KnowledgeDrafts.OnlyLeads);
        }

        var total = await db.KnowledgeDrafts.CountAsync(d => d.Status == DraftStatus.Pending, cancellationToken);
        var pending = await drafts.ListAsync(DraftStatus.Pending, DraftCards.Shown, cancellationToken);
        return new CardReply(DraftCards.Pending(pending, total, notice), ReplacesCard: replaces);
    }

    public async Task<ChatReply> OnActionAsync(ChatEvent chat, Person? actor, CancellationToken cancellationToken)
    {
        var who = new TaskActor(actor, chat.User.Platform, chat.User.UserId);
        if (chat.Verb == CardVerbs.KbDraftSave)
        {
            if (!Guid.TryParse(chat.Value(CardDataKeys.Question), out var questionId))
            {
                return Unknown;
            }

            var saved = await drafts.SaveFromAnswerAsync(questionId, who, cancellationToken);
            return saved.Kind is DraftOutcomeKind.Done or DraftOutcomeKind.Unchanged
                ? new CardReply(new Card(new CardHeader("Saved as draft", saved.Draft?.EntryId), [new TextElement(saved.Message.Markdown)], saved.Message.Text), ReplacesCard: true)
                : new TextReply(saved.Message.Markdown);
        }

        if (chat.Verb == CardVerbs.KbDrafts)
        {
            return await ListAsync(actor, cancellationToken, replaces: true);
        }

        if (!IsLead(actor))
        {
            return new TextReply(KnowledgeDrafts.OnlyLeads);
        }

        if (!Guid.TryParse(chat.Value(CardDataKeys.Draft), out var id) || !TryVersion(chat.Value(CardDataKeys.Version), out var version))
        {
            return Unknown;
        }

        DraftOutcome outcome;
        switch (chat.Verb)
        {
            case CardVerbs.KbDraftApprove:
                outcome = await drafts.ApproveAsync(id, version, who, cancellationToken);
                break;
            case CardVerbs.KbDraftReject:
                outcome = await drafts.RejectAsync(id, version, who, null, cancellationToken);
                break;
            case CardVerbs.KbDraftEdit:
                var draft = await db.KnowledgeDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, cancellationToken);
                return draft is null ? new TextReply(KnowledgeDrafts.NotFoundMessage)
                    : draft.Status != DraftStatus.Pending ? new TextReply($"That draft was already {(draft.Status == DraftStatus.Approved ? "approved" : "rejected")}, so it can't be edited any more.")
                    : new CardReply(DraftCards.EditForm(draft), ReplacesCard: true);
            case CardVerbs.KbDraftUpdate:
                outcome = await drafts.EditAsync(id, version, who,
                    new DraftChanges(Title: chat.Value(CardDataKeys.Title) ?? "", Body: chat.Value(CardDataKeys.Body) ?? "", Phrasings: chat.Value(CardDataKeys.Phrasings) ?? ""), cancellationToken);
                if (outcome.Kind == DraftOutcomeKind.Invalid)
                {
                    return new TextReply($"Sorry, I couldn't save that: {outcome.Message.Markdown}. Nothing was changed.");
                }

                break;
            default:
                return Unknown;
        }

        // A decision replaces the list with the list as it is now, saying what happened; a refusal leaves the card as it was.
        return outcome.Kind is DraftOutcomeKind.Done or DraftOutcomeKind.Unchanged or DraftOutcomeKind.Changed
            ? await ListAsync(actor, cancellationToken, outcome.Message.Markdown, replaces: true)
            : new TextReply(outcome.Message.Markdown);
    }

    private static readonly TextReply Unknown = new("Sorry, I don't recognise that button any more. Type **kb drafts** to see the drafts as they are now.");

    private static bool TryVersion(string? text, out int? version)
    {
        version = null;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed is > 0 and < 1_000_000)
        {
            version = parsed;
            return true;
        }

        return false;
    }

    private static bool IsLead(Person? person) => person is { IsActive: true } && person.Has(PersonRoles.ComplianceLead);
}
