namespace ChatCompliance.Core.Cards;

/// <summary>Links to read further, such as an answer's sources.</summary>
public sealed record LinksElement(IReadOnlyList<CardLink> Links) : CardElement;

/// <summary>A titled web address.</summary>
public sealed record CardLink(string Title, string Url)
{
    /// <summary>An absolute http or https address; anything else (<c>javascript:</c>, relative) is refused.</summary>
    public string Url { get; init; } = IsWebAddress(Url) ? Url : throw new ArgumentException($"Not an http(s) address: {Url}", nameof(Url));

    /// <summary>Whether <paramref name="url"/> is an absolute http or https address.</summary>
    public static bool IsWebAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
