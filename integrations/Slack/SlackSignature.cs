using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatCompliance.Integrations.Slack;

/// <summary>Why a Slack request was refused, or that it was not.</summary>
public enum SlackSignatureResult
{
    Valid,
    MissingHeaders,
    BadTimestamp,
    Stale,
    FutureDated,
    Mismatch,
}

/// <summary>
/// Slack's request signature v0: <c>v0=</c> + hex(HMAC-SHA256(signing secret, <c>v0:{timestamp}:{raw body}</c>)),
/// with the timestamp within five minutes of now in either direction and a constant-time comparison.
/// </summary>
public static class SlackSignature
{
    /// <summary>How far a request's timestamp may be from now, either way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>Checks a request: the raw body exactly as received, the two headers, and the current time.</summary>
    public static SlackSignatureResult Verify(string signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> rawBody, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(signingSecret))
        {
            return SlackSignatureResult.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SlackSignatureResult.BadTimestamp;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if (age > Window)
        {
            return SlackSignatureResult.Stale;
        }

        if (age < -Window)
        {
            return SlackSignatureResult.FutureDated;
        }

        var expected = Sign(signingSecret, timestamp, rawBody);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? SlackSignatureResult.Valid
            : SlackSignatureResult.Mismatch;
    }

    /// <summary>The <c>X-Slack-Signature</c> value for a body (tests and tools sign with it too).</summary>
    public static string Sign(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody)
    {
        var prefix = Encoding.UTF8.GetBytes($"v0:{timestamp}:");
        var message = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(message, 0);
        rawBody.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), message);
        return "v0=" + Convert.ToHexStringLower(mac);
    }
}
