using ChatCompliance.Core.Cards;

namespace ChatCompliance.Bot.Web;

/// <summary>Buttons to the pages on a chat card (the Slack App Home), when <c>Pages:PublicUrl</c> says where they are.</summary>
internal static class PageLinks
{
    public static Card WithPageLinks(this Card card, PagesOptions options)
    {
        if (!Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var root) || root.Scheme is not ("https" or "http"))
        {
            return card;
        }

        var at = root.GetLeftPart(UriPartial.Authority);
        return card with
        {
            Actions = [.. card.Actions, new OpenUrlAction("My compliance", $"{at}/my"), new OpenUrlAction("Programme (compliance leads)", $"{at}/programme")],
        };
    }
}
