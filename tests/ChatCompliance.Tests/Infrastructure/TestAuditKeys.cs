using ChatCompliance.Core.Audit;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>The audit trail's MAC key in tests: a fixed, public test value (never a real key), given as configuration or as a key ring.</summary>
public static class TestAuditKeys
{
    public const string KeyId = "test";

    /// <summary>32 bytes 0x01…0x20, base64.</summary>
    public static readonly string Key = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    public static AuditKeyRing Ring { get; } = new(new Dictionary<string, byte[]> { [KeyId] = Convert.FromBase64String(Key) }, KeyId);

    /// <summary>The key as application settings.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Audit:Keys:" + KeyId, Key), new("Audit:CurrentKeyId", KeyId)];

    /// <summary>The key as environment variables of the program.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment =>
        [new("Audit__Keys__" + KeyId, Key), new("Audit__CurrentKeyId", KeyId)];
}
