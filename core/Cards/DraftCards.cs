using System.Globalization;
using ChatCompliance.Core.Curation;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Cards;

/// <summary>The curation loop's cards: "Save as draft" after a lead's answer, the drafts to review, and a draft's edit form.</summary>
public static class DraftCards
{
    /// <summary>Drafts shown on one <c>kb drafts</c> card; the rest are counted.</summary>
    public const int Shown = 10;

    private const int Preview = 400;

    /// <summary>The reply to a lead's answer: it went back to the asker, and it can become a knowledge-base draft in one click.</summary>
    public static Card AnswerSent(Guid questionId) =>
        new(new CardHeader("Answer sent"),
            [
                new TextElement("Thanks: your answer was sent to the person who asked."),
                new TextElement("If others may ask this too, save it as a draft entry: another compliance lead reviews it, and once approved I answer from it.", TextStyle.Subtle),
            ],
            "Thanks: your answer was sent to the person who asked.")
        {
            Actions = [new CardAction(CardVerbs.KbDraftSave, "Save as draft", Data((CardDataKeys.Question, questionId.ToString())), CardActionStyle.Positive)],
        };

    /// <summary>The pending drafts, each with Approve, Edit and Reject.</summary>
    public static Card Pending(IReadOnlyList<KnowledgeDraft> drafts, int total, string? notice = null)
    {
        List<CardElement> body = [];
        if (notice is not null)
        {
            body.Add(new TextElement(notice));
        }

        if (drafts.Count == 0)
        {
            body.Add(new TextElement("No drafts are waiting for review. A lead makes one with **Save as draft** after answering a question passed to the team."));
            return new Card(new CardHeader("Knowledge-base drafts"), body, "No drafts are waiting for review.");
        }

        foreach (var draft in drafts.Take(Shown))
        {
            body.Add(new TextElement($"**{CardText.Escape(draft.Title)}**"));
            body.Add(new FactsElement(Facts(draft)));
            body.Add(new TextElement(CardText.Escape(Cut(draft.Body))));
            body.Add(new RowsElement([new CardRow([$"Draft {CardText.Escape(draft.EntryId)}"],
            [
                new CardAction(CardVerbs.KbDraftApprove, "Approve", Ids(draft), CardActionStyle.Positive),
                new CardAction(CardVerbs.KbDraftEdit, "Edit", Ids(draft)),
                new CardAction(CardVerbs.KbDraftReject, "Reject", Ids(draft), CardActionStyle.Destructive),
            ])]));
        }

        if (total > Shown)
        {
            body.Add(new TextElement($"…and {total - Shown} more: decide these first, or use the admin API (GET /api/v1/kb/drafts).", TextStyle.Subtle));
        }

        return new Card(new CardHeader("Knowledge-base drafts", $"{total.ToString(CultureInfo.InvariantCulture)} waiting for review"), body,
            $"{total.ToString(CultureInfo.InvariantCulture)} knowledge-base draft(s) waiting for review.");
    }

    /// <summary>The edit form of a pending draft: title, answer and phrasings (one a line), as they are now.</summary>
    public static Card EditForm(KnowledgeDraft draft) =>
        new(new CardHeader("Edit draft", draft.EntryId),
            [
                new TextInput(CardDataKeys.Title, "Title", "A short question, as a heading", Required: true, MaxLength: DraftRules.MaximumTitleLength, Value: draft.Title),
                new TextInput(CardDataKeys.Body, "Answer", "Key fact first, under 120 words, plain chat language", Multiline: true, Required: true,
                    MaxLength: DraftRules.MaximumBodyLength, Value: draft.Body),
                new TextInput(CardDataKeys.Phrasings, "Ways people ask it (one a line; an entry file needs at least 4)", null, Multiline: true, Required: true,
                    MaxLength: DraftRules.MaximumPhrasingsLength, Value: draft.Phrasings),
            ],
            $"Edit draft {draft.EntryId}.")
        {
            Actions =
            [
                new CardAction(CardVerbs.KbDraftUpdate, "Save", Ids(draft), CardActionStyle.Positive),
                new CardAction(CardVerbs.KbDrafts, "Back to drafts", new Dictionary<string, string>()),
            ],
        };

    private static List<Fact> Facts(KnowledgeDraft draft)
    {
        var phrasings = DraftRules.Lines(draft.Phrasings);
        var references = DraftRules.Lines(draft.References);
        return
        [
            new("Asked as", string.Join("; ", phrasings.Take(4).Select(CardText.Escape)) + (phrasings.Count > 4 ? $" (+{phrasings.Count - 4})" : "")),
            new("References", references.Count == 0 ? "none yet" : string.Join(", ", references.Select(CardText.Escape))),
            new("Source", CardText.Escape(draft.SourceTitle)),
            new("Owner", CardText.Escape(draft.Owner)),
        ];
    }

    private static string Cut(string text) => text.Length <= Preview ? text : text[..Preview] + "…";

    private static Dictionary<string, string> Ids(KnowledgeDraft draft) =>
        Data((CardDataKeys.Draft, draft.Id.ToString()), (CardDataKeys.Version, draft.Version.ToString(CultureInfo.InvariantCulture)));

    private static Dictionary<string, string> Data(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);
}
