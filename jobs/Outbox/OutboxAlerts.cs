using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>The cards the compliance leads get about undelivered messages: one per incident, one per person who can't be reached.</summary>
internal static class OutboxAlerts
{
    private const int MaxShown = 15;
    private const int MaxErrorChars = 300;

    public static Card Incident(Guid incident, IReadOnlyList<OutboxMessage> rows, Func<OutboxMessage, string> recipient)
    {
        var held = rows.Count(r => r.DeadLetteredAt is not null && r.SentAt is null);
        var resent = rows.Count - held;
        var facts = rows.Take(MaxShown).Select(r => new Fact(
            CardText.Escape($"{r.Kind} for {recipient(r)}"),
            CardText.Escape($"{Outcome(r)}: {Cut(r.LastError ?? "no error recorded")}"))).ToList();
        List<CardElement> body =
        [
            new TextElement(Summary(held, resent), TextStyle.Warning),
            new FactsElement(facts),
        ];
        if (rows.Count > MaxShown)
        {
            body.Add(new TextElement(string.Create(CultureInfo.InvariantCulture, $"…and {rows.Count - MaxShown} more (see the log)."), TextStyle.Subtle));
        }

        body.Add(new TextElement($"Delivery incident {incident}", TextStyle.Subtle));
        return new Card(
            new CardHeader(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} message(s) may not have been delivered"), "One report for the whole incident"),
            body,
            string.Create(CultureInfo.InvariantCulture, $"{rows.Count} message(s) may not have been delivered: {held} held, {resent} sent again."))
        {
            Actions = held == 0
                ? []
                : [new CardAction(CardVerbs.OutboxResend, "Resend held", new Dictionary<string, string> { [CardDataKeys.Incident] = incident.ToString("D") }, CardActionStyle.Positive)],
        };
    }

    /// <summary>Tells the leads that <paramref name="name"/> can't be reached and why (sent once per person and reason).</summary>
    public static Card Unreachable(string name, string why) => new(
        new CardHeader($"{CardText.Escape(name)} can't be reached", "A message for them was not delivered"),
        [
            new TextElement(CardText.Escape(why), TextStyle.Warning),
            new TextElement("You're told once; later messages for them are not delivered either until this is fixed (they show as dead letters).", TextStyle.Subtle),
        ],
        $"{name} can't be reached: {why}");

    private static string Summary(int held, int resent) =>
        string.Create(CultureInfo.InvariantCulture, $"{held} message(s) are held and will not be sent unless you press Resend held (check first that the recipient did not get them, or that a second copy does no harm); {resent} were sent again and may show twice.");

    private static string Outcome(OutboxMessage row) => row switch
    {
        { DeadLetteredAt: not null, SentAt: null, InDoubtAt: not null } => "in doubt, held",
        { DeadLetteredAt: not null, SentAt: null } => string.Create(CultureInfo.InvariantCulture, $"gave up after {row.Attempts} attempt(s)"),
        _ => "in doubt, sent again",
    };

    private static string Cut(string error) => error.Length > MaxErrorChars ? error[..MaxErrorChars] + "…" : error;
}
