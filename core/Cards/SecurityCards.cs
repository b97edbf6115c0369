using System.Globalization;

namespace ChatCompliance.Core.Cards;

/// <summary>Cards that tell the compliance leads about refused attempts to act as someone else.</summary>
public static class SecurityCards
{
    /// <summary>A Teams activity whose user id and Entra object id disagree with the directory was refused.</summary>
    public static Card IdentityMismatch(string holderName, string holderEmail, string teamsUserId, string? objectId, string? claimedEmail, DateTimeOffset at) =>
        new(new CardHeader("Teams identity mismatch refused", at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)),
        [
            new FactsElement(
            [
                new("Teams user id", CardText.Escape(teamsUserId)),
                new("Bound to", $"{CardText.Escape(holderName)} ({CardText.Escape(holderEmail)})"),
                new("Entra object id sent", CardText.Escape(objectId ?? "none")),
                new("Directory says that is", CardText.Escape(claimedEmail ?? "nobody we know")),
            ]),
            new TextElement("The activity was refused and nothing was changed. If this person's Teams account really changed, "
                + "clear their Teams user id in the people register; otherwise someone may be trying to act as them.", TextStyle.Warning),
        ], $"Refused a Teams activity: user id {teamsUserId} is bound to {holderEmail}, but the directory disagrees.");
}
