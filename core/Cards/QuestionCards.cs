using System.Globalization;
using System.Runtime.CompilerServices;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Core.Cards;

/// <summary>The cards of the Q&amp;A conversation: answers, welcome and help, and the hand-off to the compliance team.</summary>
public static class QuestionCards
{
    private const int FallbackLength = 300;

    /// <summary>The button that shows the whole of a shortened list.</summary>
    public const string ShowAll = "Show all";

    /// <summary>What a person types for the whole of the last shortened list.</summary>
    public const string MoreCommand = "more";

    /// <summary>
    /// An answer with its citations (as facts), sources (as links) and related entries (as
    /// <see cref="CardVerbs.QaRelated"/> buttons). When the engine abstained and <paramref name="questionId"/> is
    /// given, it offers to pass the question to the compliance team (<see cref="CardVerbs.QaHandOff"/>).
    /// </summary>
    public static Card Answer(KnowledgeAnswer answer, Guid? questionId = null) =>
        answer.Abstained && questionId is not null
            ? Build(answer, questionId)
            // The same answer (the engine remembers them by question) always makes the same card: built once, and
            // rendered once per platform.
            : Built.GetValue(answer, a => Build(a, null) with { Reused = true });

    private static readonly ConditionalWeakTable<KnowledgeAnswer, Card> Built = new();

    private static Card Build(KnowledgeAnswer answer, Guid? questionId)
    {
        // The answer text is our own reviewed Markdown, so it is not escaped.
        List<CardElement> body = [new TextElement(answer.Text)];
        if (answer.References.Count > 0)
        {
            body.Add(new FactsElement([.. answer.References.Select(r => new Fact(r.Code, r.Title))]));
        }

        var sources = answer.Sources.Where(s => CardLink.IsWebAddress(s.Url)).Select(s => new CardLink(s.Title, s.Url)).ToList();
        if (sources.Count > 0)
        {
            body.Add(new LinksElement(sources));
        }

        List<CardButton> actions = [];
        if (answer.Shortened is { } shortened)
        {
            body.Add(new TextElement($"Press **{ShowAll}** or type **{MoreCommand}** for the whole list.", TextStyle.Subtle));
            actions.Add(new CardAction(CardVerbs.QaMore, ShowAll, Data(CardDataKeys.Reference, shortened)));
        }

        // A related question is too long for a button: it is a row, with a short button beside it.
        if (answer.Related.Count > 0)
        {
            body.Add(new TextElement("Related questions", TextStyle.Subtle));
            body.Add(new RowsElement([.. answer.Related.Select(r => new CardRow([CardText.Escape(r.Title)], [new CardAction(CardVerbs.QaRelated, "Read", Data(CardDataKeys.Entry, r.EntryId))]))]));
        }

        if (answer.Abstained && questionId is { } id)
        {
            actions.Add(new CardAction(CardVerbs.QaHandOff, "Ask the team", Data(CardDataKeys.Question, id.ToString()), CardActionStyle.Positive));
        }

        return new Card(new CardHeader(answer.Title, Provenance(answer)), body, Shorten($"{answer.Title} — {answer.Text.Replace("**", "", StringComparison.Ordinal)}"))
        {
            Actions = actions,
        };
    }

    /// <summary>The first message in a new conversation: what the bot does, with example questions.</summary>
    public static Card Welcome() =>
        new(new CardHeader("Hi, I'm ChatCompliance", "Your SOC 2 and ISO 27001 helper"),
            [
                new TextElement("Ask me about SOC 2 or ISO/IEC 27001 in plain words. I answer from our reviewed knowledge base, " +
                    "with the criteria, controls and sources behind each answer. When I don't know, I can pass your question to the compliance team."),
                new TextElement("Try asking:", TextStyle.Emphasis),
                new TextElement("- What's the difference between SOC 2 and ISO 27001?\n- Which ISO control covers secure coding?\n" +
                    "- How long is a SOC 2 Type 2 observation period?\n- What is CC6.1?"),
                new TextElement("I also bring you evidence requests and access reviews when you own them.", TextStyle.Subtle),
            ],
            "Hi, I'm ChatCompliance. Ask me about SOC 2 or ISO 27001.")
        {
            Actions = [new CardAction(CardVerbs.Help, "Help", new Dictionary<string, string>())],
        };

    /// <summary>The commands, and that plain questions work too.</summary>
    public static Card Help() =>
        new(new CardHeader("What I can do"),
            [
                new TextElement("Ask a question in plain words, for example *how long is a SOC 2 Type 2 window?*, or use a command:"),
                new FactsElement(
                [
                    new Fact("ask *question*", "Answer a question about SOC 2 or ISO 27001"),
                    new Fact("my tasks", "Your open evidence tasks, with buttons to submit evidence, mark done, ask for more time or reassign"),
                    new Fact("my reviews", "Your access reviews: keep or revoke each account, or hand the review to someone else"),
                    new Fact("assign *control* *what* to *email* due *yyyy-mm-dd*", "Compliance leads: send someone an evidence task"),
                    new Fact("review group|app *object id* due *yyyy-mm-dd* [by owner|manager|*emails*] [fallback *email*]", "Compliance leads: start an access review of an Entra ID group or enterprise application"),
                    new Fact("audits", "The audits coming up; compliance leads book one with audit add *kind* *yyyy-mm-dd* *name*"),
                    new Fact("subscribe digests|audits", "Compliance leads: send the weekly digest or audit announcements to this channel (unsubscribe … stops them)"),
                    new Fact("kb drafts", "Compliance leads: answers saved as draft knowledge-base entries, to approve, edit or reject"),
                    new Fact(MoreCommand, "The whole list, when an answer shortened one (\"…and 2 more\")"),
                    new Fact("help", "This list"),
                ]),
                new TextElement("After an answer you can follow up for a few minutes: *and for ISO?*, *what about Type 1?*, *which clause is that?*, *show the mapping*, *who signs it?*"),
                new TextElement("When I can't answer, I offer to pass your question to the compliance team.", TextStyle.Subtle),
            ],
            "Ask me about SOC 2 or ISO 27001, or type: ask followed by a question, my tasks, my reviews, help.");

    /// <summary>Confirms that the asker's question went to the compliance team.</summary>
    public static Card HandedOff() =>
        new(new CardHeader("Sent to the compliance team"),
            [new TextElement("I've passed your question on. When someone from the compliance team answers, I'll bring the answer back to you here.")],
            "I've passed your question to the compliance team.");

    /// <summary>Asks a compliance lead to answer a handed-off question; the answer comes back with <see cref="CardVerbs.QaAnswer"/>.</summary>
    public static Card LeadQuestion(Guid questionId, string askedByName, string questionText)
    {
        var asker = CardText.Escape(askedByName);
        return new Card(new CardHeader("A question for the compliance team"),
            [
                new TextElement($"**{asker}** asked:"),
                new TextElement(CardText.Escape(questionText)),
                new TextInput(CardDataKeys.Answer, "Your answer", "The asker sees this as written", Multiline: true, Required: true, MaxLength: CardText.MaxLength),
            ],
            $"{asker} asked the compliance team a question.")
        {
            Actions = [new CardAction(CardVerbs.QaAnswer, "Send answer", Data(CardDataKeys.Question, questionId.ToString()), CardActionStyle.Positive)],
        };
    }

    /// <summary>Brings a compliance lead's answer back to the asker.</summary>
    public static Card LeadAnswer(string leadName, string answerText)
    {
        var lead = CardText.Escape(leadName);
        return new Card(new CardHeader("The compliance team answered"),
            [new TextElement($"**{lead}** answered your question:"), new TextElement(CardText.Escape(answerText))],
            $"{lead} answered your question.");
    }

    private static string? Provenance(KnowledgeAnswer answer)
    {
        var source = answer.Kind switch
        {
            AnswerKind.Entry => "From the knowledge base",
            AnswerKind.Composed => "From two knowledge-base entries",
            AnswerKind.Catalog => "From the control catalog",
            AnswerKind.Crosswalk => "From the SOC 2 and ISO 27001 crosswalk",
            _ => null,
        };
        return source is null ? null : string.Create(CultureInfo.InvariantCulture, $"{source} · confidence {answer.Confidence * 100:0}%");
    }

    private static Dictionary<string, string> Data(string key, string value) => new() { [key] = value };

    private static string Shorten(string text) => text.Length <= FallbackLength ? text : text[..(FallbackLength - 1)] + "…";
}
