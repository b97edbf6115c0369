using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Cards;

/// <summary>Every card the Q&amp;A can build, the largest answer we expect, hostile input, and one card with every element.</summary>
internal static class SampleCards
{
    public static readonly Guid QuestionId = Guid.Parse("6f1c2f0e-2d4b-4f7e-9a51-0b8e1c3d5a77");

    public const string Hostile = "<script>alert(1)</script> **x** [a](javascript:x) # heading > quote | table & `code` ~~gone~~";

    /// <summary>About 10 kB of hostile text, with line breaks, control and bidi characters.</summary>
    public static readonly string HostileLong = string.Concat(Enumerable.Repeat(Hostile + "\r\n- item\u0000\u202E\t", 100));

    public static readonly KnowledgeAnswer EntryAnswer = new(
        AnswerKind.Entry,
        "**No.** SOC 2 is an *attestation*: a licensed CPA firm reports on your controls.\n• Type 1: design at a point in time\n• Type 2: operation over a period",
        "soc2-is-not-a-certification",
        "Is SOC 2 a certification?",
        [new("SOC2:CC6.1", "CC6.1", "Logical access security measures"), new("ISO27001:A.5.15", "A.5.15", "Access control")],
        [new("AICPA: SOC 2", "https://www.aicpa-cima.com/topic/audit-assurance/audit-and-assurance-greater-than-soc-2")],
        [new("soc2-type1-vs-type2", "What's the difference between Type 1 and Type 2?"), new("soc2-who-issues", "Who issues a SOC 2 report?")],
        0.87);

    public static readonly KnowledgeAnswer Abstained = new(
        AnswerKind.Abstained, "I don't know that one reliably.", null, "Not covered", [], [],
        [new("soc2-what-is-it", "What is SOC 2?")], 0);

    /// <summary>The largest answer we expect: 10 references, 8 related entries, several sources, a long text.</summary>
    public static readonly KnowledgeAnswer Large = EntryAnswer with
    {
        Text = string.Join('\n', Enumerable.Range(1, 12).Select(i => $"• **Point {i}**: " + new string('x', 120))),
        References = [.. Enumerable.Range(1, 10).Select(i => new CitedReference($"ISO27001:A.8.{i}", $"A.8.{i}", $"A control title that is fairly long, number {i}"))],
        Sources = [.. Enumerable.Range(1, 5).Select(i => new Source($"Source {i} with a descriptive title", $"https://example.org/standards/section-{i}?ref=chatcompliance"))],
        Related = [.. Enumerable.Range(1, 8).Select(i => new RelatedEntry($"entry-with-a-long-identifier-{i}", $"A related question that people often ask next, number {i}?"))],
    };

    /// <summary>One card with every element, button and option.</summary>
    public static Card EveryElement() => new(
        new CardHeader("Access review: GitHub", "Due 15 January"),
        [
            new TextElement("Plain **Markdown** text"),
            new TextElement("Emphasis", TextStyle.Emphasis),
            new TextElement("Subtle", TextStyle.Subtle),
            new TextElement("Warning", TextStyle.Warning),
            new FactsElement([new Fact("System", "GitHub"), new Fact("Users", "2")]),
            new RowsElement(
            [
                new CardRow(["Ada Lovelace", "admin"],
                [
                    new CardAction("review.keep", "Keep", Data("row", "1"), CardActionStyle.Positive),
                    new CardAction("review.revoke", "Revoke", Data("row", "1"), CardActionStyle.Destructive),
                    new CardAction("review.unsure", "Not sure", Data("row", "1")),
                ]),
                new CardRow(["Alan Turing"], []),
            ]),
            new TextInput("justification", "Justification", "Why?", Multiline: true, Required: true, MaxLength: 500),
            new TextInput("note", "Note"),
            new DateInput("due", "New due date", Required: true, Value: new DateOnly(2026, 1, 15)),
            new DateInput("since", "Since"),
            new ChoiceInput("owner", "Reassign to", [new Choice("Ada", "ada"), new Choice("Alan", "alan")], Required: true),
            new ChoiceInput("tags", "Tags", [new Choice("Urgent", "urgent")], Multiple: true),
            new LinksElement([new CardLink("Policy", "https://example.org/policy")]),
        ],
        "Access review: GitHub")
    {
        Actions = [new CardAction("review.approve-rest", "Approve the rest", Data("review", "42")), new OpenUrlAction("Open the dashboard", "https://example.org/dashboard")],
        RefreshUserIds = ["29:reviewer"],
    };

    public static Card ByName(string name) => name switch
    {
        "answer" => QuestionCards.Answer(EntryAnswer, QuestionId),
        "answer-abstained" => QuestionCards.Answer(Abstained, QuestionId),
        "answer-large" => QuestionCards.Answer(Large, QuestionId),
        "welcome" => QuestionCards.Welcome(),
        "help" => QuestionCards.Help(),
        "handed-off" => QuestionCards.HandedOff(),
        "lead-question" => QuestionCards.LeadQuestion(QuestionId, "Grace Hopper", "Do we need a pen test every year for ISO?"),
        "lead-question-hostile" => QuestionCards.LeadQuestion(QuestionId, HostileLong, HostileLong),
        "lead-answer" => QuestionCards.LeadAnswer("Ada Lovelace", "Yes: annually, and after major changes."),
        "lead-answer-hostile" => QuestionCards.LeadAnswer(HostileLong, HostileLong),
        "every-element" => EveryElement(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such sample card."),
    };

    public static Dictionary<string, string> Data(string key, string value) => new() { [key] = value };
}
