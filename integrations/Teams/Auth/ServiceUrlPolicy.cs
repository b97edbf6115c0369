namespace ChatCompliance.Integrations.Teams.Auth;

/// <summary>
/// Which Bot Framework service URLs the bot trusts: activities must come from one, and the bot's token only ever
/// goes to one. A prefix is a scheme, a host (optionally <c>*.</c> for any subdomain), a port and a path prefix.
/// </summary>
public static class ServiceUrlPolicy
{
    private const string WildcardLabel = "wildcard-label";

    /// <summary>Whether <paramref name="serviceUrl"/> falls under one of <paramref name="prefixes"/>.</summary>
    public static bool IsAllowed(string? serviceUrl, IEnumerable<string> prefixes) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var url) && IsAllowed(url, prefixes);

    /// <summary>Whether <paramref name="url"/> falls under one of <paramref name="prefixes"/>.</summary>
    public static bool IsAllowed(Uri url, IEnumerable<string> prefixes)
    {
        if (!IsSafeTransport(url) || !string.IsNullOrEmpty(url.UserInfo))
        {
            return false;
        }

        foreach (var prefix in prefixes)
        {
            // Uri refuses '*' in a host: parse the wildcard as a placeholder label, then match on the suffix.
            var wildcard = prefix.Contains("://*.", StringComparison.Ordinal);
            if (!Uri.TryCreate(wildcard ? prefix.Replace("://*.", "://" + WildcardLabel + ".", StringComparison.Ordinal) : prefix, UriKind.Absolute, out var allowed))
            {
                continue;
            }

            var host = allowed.IdnHost;
            var hostMatches = wildcard
                ? url.IdnHost.EndsWith(host[WildcardLabel.Length..], StringComparison.OrdinalIgnoreCase) && url.IdnHost.Length > host.Length - WildcardLabel.Length
                : string.Equals(url.IdnHost, host, StringComparison.OrdinalIgnoreCase);
            if (hostMatches
                && string.Equals(url.Scheme, allowed.Scheme, StringComparison.OrdinalIgnoreCase)
                && url.Port == allowed.Port
                && UnderPath(url.AbsolutePath, allowed.AbsolutePath.TrimEnd('/')))
            {
                return true;
            }
        }

        return false;
    }

    private static bool UnderPath(string path, string prefix) =>
        prefix.Length == 0 || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);

    /// <summary>Whether a configured prefix is well formed and safe: absolute, HTTPS (plain HTTP only on this machine), no query.</summary>
    public static bool IsValidPrefix(string prefix) =>
        Uri.TryCreate(prefix.Replace("://*.", "://" + WildcardLabel + ".", StringComparison.Ordinal), UriKind.Absolute, out var url)
        && IsSafeTransport(url) && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.UserInfo);

    /// <summary>HTTPS, or plain HTTP to this machine (local tools and tests).</summary>
    public static bool IsSafeTransport(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback);

    /// <summary>
    /// Whether two service URLs are the same endpoint: scheme, host and port, and the path exactly, a trailing slash
    /// aside. No query, fragment or user info on either.
    /// </summary>
    public static bool SameEndpoint(string? claimed, string? actual)
    {
        if (!Uri.TryCreate(claimed, UriKind.Absolute, out var a) || !Uri.TryCreate(actual, UriKind.Absolute, out var b))
        {
            return false;
        }

        return Plain(a) && Plain(b)
            && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port
            && string.Equals(a.AbsolutePath.TrimEnd('/'), b.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);

        static bool Plain(Uri u) => string.IsNullOrEmpty(u.Query) && string.IsNullOrEmpty(u.Fragment) && string.IsNullOrEmpty(u.UserInfo);
    }
}
