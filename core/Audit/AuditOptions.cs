using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Audit;

/// <summary>The audit trail's MAC keys and where its head is anchored outside the database.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>The key id a Development machine's generated key gets.</summary>
    public const string LocalKeyId = "local";

    /// <summary>
    /// The HMAC keys by id (<c>Audit:Keys:{id}</c>, base64 of at least 32 bytes). Keep every key that MACed an entry:
    /// verification looks each entry's key up by the id stored with it. Never logged.
    /// </summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The id (in <see cref="Keys"/>) of the key that MACs new entries.</summary>
    public string? CurrentKeyId { get; set; }

    /// <summary>
    /// How many entries at the start of the chain were written before the MAC (plain SHA-256, format v1); 0 on an
    /// installation that began with keys. Unset: any unbroken run of v1 entries at the start is accepted, so someone
    /// who rewrites the whole chain as v1 is caught only by the anchors. <c>audit verify</c> prints the number to set.
    /// </summary>
    public long? PlainHashEntries { get; set; }

    /// <summary>Development only, when <see cref="Keys"/> is empty: the file a generated key is kept in (default: the data directory's <c>audit-key</c>).</summary>
    public string? LocalKeyFile { get; set; }

    /// <summary>The append-only file of anchors, one JSON line each (default: the data directory's <c>audit-anchors.jsonl</c>).</summary>
    public string? AnchorFile { get; set; }
}

/// <summary>Refuses keys the audit trail cannot use, naming the setting; runs at start (<c>ValidateOnStart</c>).</summary>
internal sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public const int MinimumKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var failures = new List<string>();
        if (options.Keys.Count == 0)
        {
            failures.Add("Audit:Keys is empty: give the audit trail's MAC key as Audit:Keys:{id} (base64 of 32 random bytes or more; "
                + "for example the environment variable Audit__Keys__2026a, or a secret store) and name it in Audit:CurrentKeyId.");
            return ValidateOptionsResult.Fail(failures);
        }

        foreach (var (id, value) in options.Keys)
        {
            if (!KeyId().IsMatch(id))
            {
                failures.Add($"Audit:Keys:{id}: a key id is 1 to 32 letters, digits, '.', '_' or '-'.");
            }
            else if (Decode(value) is not { Length: >= MinimumKeyBytes })
            {
                failures.Add($"Audit:Keys:{id} is not base64 of at least {MinimumKeyBytes} bytes.");
            }
        }

        if (options.PlainHashEntries < 0)
        {
            failures.Add("Audit:PlainHashEntries is 0 or more: the number of entries written before the MAC.");
        }

        if (string.IsNullOrWhiteSpace(options.CurrentKeyId))
        {
            failures.Add($"Audit:CurrentKeyId is required: the id of the key in Audit:Keys that MACs new entries ({string.Join(", ", options.Keys.Keys)}).");
        }
        else if (!options.Keys.ContainsKey(options.CurrentKeyId))
        {
            failures.Add($"Audit:CurrentKeyId '{options.CurrentKeyId}' is not one of Audit:Keys ({string.Join(", ", options.Keys.Keys)}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The key's bytes, or null when it is not base64.</summary>
    public static byte[]? Decode(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) ? bytes[..written] : null;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$")]
    public static partial Regex KeyId();
}
