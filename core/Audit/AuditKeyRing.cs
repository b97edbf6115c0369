using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Audit;

/// <summary>The audit trail's HMAC keys: the current one MACs new entries; each entry is verified with the key its id names.</summary>
public sealed class AuditKeyRing
{
    private readonly Dictionary<string, byte[]> _keys;

    /// <param name="keys">Keys by id; each at least 32 bytes.</param>
    /// <param name="currentKeyId">The id of the key that MACs new entries; one of <paramref name="keys"/>.</param>
    /// <param name="plainHashEntries">How many entries predate the MAC (v1); null: any run of v1 entries at the chain's start.</param>
    public AuditKeyRing(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId, long? plainHashEntries = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!keys.ContainsKey(currentKeyId))
        {
            throw new ArgumentException($"The current key id '{currentKeyId}' is not among the keys.", nameof(currentKeyId));
        }

        if (keys.Values.Any(k => k.Length < AuditOptionsValidator.MinimumKeyBytes))
        {
            throw new ArgumentException($"An audit key must be at least {AuditOptionsValidator.MinimumKeyBytes} bytes.", nameof(keys));
        }

        _keys = keys.ToDictionary(k => k.Key, k => k.Value.ToArray(), StringComparer.Ordinal);
        CurrentKeyId = currentKeyId;
        PlainHashEntries = plainHashEntries;
    }

    /// <summary>The key ring the validated options describe.</summary>
    /// <exception cref="OptionsValidationException">Reading <paramref name="options"/> found a setting the trail cannot use.</exception>
    public AuditKeyRing(IOptions<AuditOptions> options)
        : this(options.Value.Keys.ToDictionary(k => k.Key, k => AuditOptionsValidator.Decode(k.Value)!), options.Value.CurrentKeyId!, options.Value.PlainHashEntries)
    {
    }

    /// <summary>The id of the key that MACs new entries.</summary>
    public string CurrentKeyId { get; }

    /// <summary>How many entries at the chain's start may be v1 (<c>Audit:PlainHashEntries</c>); null: any unbroken run.</summary>
    public long? PlainHashEntries { get; }

    /// <summary>The ids of every key known.</summary>
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    internal byte[] CurrentKey => _keys[CurrentKeyId];

    /// <summary>The key with this id, when it is configured.</summary>
    internal bool TryGetKey(string id, [NotNullWhen(true)] out byte[]? key) => _keys.TryGetValue(id, out key);
}
