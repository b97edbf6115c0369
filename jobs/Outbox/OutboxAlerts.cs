using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>The card the compliance leads get when a message could not be delivered.</summary>
internal static class OutboxAlerts
{
    private const int MaxErrorChars = 500;

    public static Card DeadLetter(OutboxMessage row, int attempts, string error)
    {
        var shown = error.Length > MaxErrorChars ? error[..MaxErrorChars] + "…" : error;
        List<Fact> facts =
        [
            new("What", CardText.Escape(row.Kind)),
            new("Platform", row.Platform.ToString()),
            new("Queued", row.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
            new("Attempts", attempts.ToString(CultureInfo.InvariantCulture)),
            new("Last error", CardText.Escape(shown)),
        ];
        if (row.SubjectType is { } type && row.SubjectId is { } id)
        {
            facts.Insert(1, new Fact("About", CardText.Escape($"{type} {id}")));
        }

        return new Card(
            new CardHeader("A message could not be delivered", "The bot gave up sending it"),
            [
                new TextElement("The bot could not deliver a message and will not try again. Check that the recipient still has the bot installed, then follow up with them directly.", TextStyle.Warning),
                new FactsElement(facts),
                new TextElement($"Outbox message {row.Id} (key {CardText.Escape(row.IdempotencyKey)})", TextStyle.Subtle),
            ],
            $"A {row.Kind} message could not be delivered after {attempts} attempt(s).");
    }
}
