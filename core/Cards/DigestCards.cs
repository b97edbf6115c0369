using System.Globalization;
using ChatCompliance.Core.Digests;

namespace ChatCompliance.Core.Cards;

/// <summary>The weekly digest card: figures and names, nothing more personal.</summary>
public static class DigestCards
{
    public static Card Weekly(DigestFigures figures, IReadOnlyList<CardLink>? links = null)
    {
        List<CardElement> body =
        [
            new FactsElement(
            [
                new("Evidence overdue", Number(figures.OverdueTotal)),
                new($"Due in the next {WeeklyDigest.DueSoonDays} days", Number(figures.DueSoonTotal)),
                new("Evidence waiting for a lead", Number(figures.WaitingForLead)),
                new("Questions I couldn't answer (7 days)", Number(figures.UnansweredLastWeek)),
                new("Questions waiting for the compliance team", Number(figures.HandedOffWaiting)),
            ]),
        ];
        if (figures.OverdueByOwner.Count > 0)
        {
            body.Add(new TextElement("**Overdue by owner**"));
            body.Add(new TextElement(Owners(figures.OverdueByOwner, figures.OverdueTotal)));
        }

        if (figures.DueSoonByOwner.Count > 0)
        {
            body.Add(new TextElement("**Due soon by owner**"));
            body.Add(new TextElement(Owners(figures.DueSoonByOwner, figures.DueSoonTotal)));
        }

        if (figures.Reviews.Count > 0)
        {
            body.Add(new TextElement("**Access reviews**"));
            body.Add(new TextElement(string.Join('\n', figures.Reviews.Take(10).Select(r =>
                $"• {CardText.Escape(r.Name)}: {r.Decided} of {r.Total} decided ({Percent(r.Decided, r.Total)}), due {Day(r.DueDate)}"))));
        }

        if (figures.Audits.Count > 0)
        {
            body.Add(new TextElement("**Upcoming audits**"));
            body.Add(new TextElement(string.Join('\n', figures.Audits.Select(a =>
                $"• {CardText.Escape(a.Name)}: {Day(a.StartsOn)} (in {a.StartsOn.DayNumber - figures.Today.DayNumber} days)"))));
        }

        if (figures.WorthAnEntry.Count > 0)
        {
            body.Add(new TextElement($"**Worth an entry** (handed to the team twice or more in {WeeklyDigest.WorthAnEntryDays} days)"));
            body.Add(new TextElement(string.Join('\n', figures.WorthAnEntry.Select(w => w.NearEntry is null
                ? $"• \"{CardText.Escape(Short(w.Question))}\": asked {w.Times} times"
                : $"• {w.Times} questions near \"{CardText.Escape(Short(w.NearEntry))}\", e.g. \"{CardText.Escape(Short(w.Question))}\""))));
            body.Add(new TextElement("Answer one, then **Save as draft** to add it to the knowledge base.", TextStyle.Subtle));
        }

        if (links is { Count: > 0 })
        {
            body.Add(new LinksElement(links));
        }

        return new Card(new CardHeader("Weekly compliance digest", WeekLabel(figures.Today)), body,
            $"Weekly digest: {figures.OverdueTotal} overdue, {figures.DueSoonTotal} due soon, {figures.Reviews.Count} access review(s) running, {figures.Audits.Count} audit(s) coming.")
        {
            Actions = [new CardAction(CardVerbs.Help, "What I can do", new Dictionary<string, string>())],
        };
    }

    private static string Owners(IReadOnlyList<OwnerCount> owners, int total)
    {
        var lines = owners.Select(o => $"• {CardText.Escape(o.Name)}: {o.Count}").ToList();
        var shown = owners.Sum(o => o.Count);
        if (total > shown)
        {
            lines.Add($"• others: {total - shown}");
        }

        return string.Join('\n', lines);
    }

    /// <summary>The week <paramref name="today"/> falls in, named by its Monday as the calendar shows it: "Week of Mon 30 Nov 2026".</summary>
    public static string WeekLabel(DateOnly today)
    {
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return "Week of " + monday.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
    }

    private static string Short(string text) => text.Length <= 120 ? text : text[..119] + "…";

    private static string Percent(int part, int total) => total == 0 ? "0%" : (part * 100 / total).ToString(CultureInfo.InvariantCulture) + "%";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
