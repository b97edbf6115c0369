using System.Security.Cryptography;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.ApiKeys;

/// <summary>How a presented key fared; only <see cref="Valid"/> authenticates, the rest are for logs.</summary>
public enum ApiKeyCheck
{
    Valid,
    /// <summary>Not of the form <c>cck_&lt;id&gt;_&lt;secret&gt;</c>.</summary>
    Malformed,
    /// <summary>No key has that id.</summary>
    Unknown,
    Revoked,
    WrongSecret,
}

/// <summary>A key just created: the stored key and the token, which is shown once and cannot be recovered.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Token);

/// <summary>
/// Issues, checks and revokes admin-API keys. A token is <c>cck_&lt;id&gt;_&lt;secret&gt;</c>: the key's id (32 hex digits)
/// and a 256-bit random secret (64 hex digits); the store keeps only the secret's SHA-256.
/// </summary>
public sealed class ApiKeyService(ComplianceDbContext db, TimeProvider time, ChangeRecorder changes)
{
    public const string Prefix = "cck_";
    public const int MaxNameLength = 100;

    private const int IdLength = 32;
    private const int SecretBytes = 32;

    // Writing "last used" on every request would turn each read into a write.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>True when <paramref name="token"/> looks like one of ours (so a JWT is not mistaken for a key).</summary>
    public static bool LooksLikeKey(string token) => token.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Makes a key, audited in <paramref name="actor"/>'s name (the entry never holds the secret or its hash).</summary>
    public async Task<CreatedApiKey> CreateAsync(string name, ApiKeyRole role, string? createdBy, TaskActor actor, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            throw new ArgumentException($"A key needs a name of 1 to {MaxNameLength} characters.", nameof(name));
        }

        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "Not an API key role.");
        }

        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        var key = new ApiKey
        {
            Name = name.Trim(),
            Role = role,
            SecretHash = Convert.ToHexStringLower(SHA256.HashData(secret)),
            CreatedBy = createdBy,
            CreatedAt = time.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        await changes.SaveAsync(actor, [new Change("apikey.created", AuditSubjects.ApiKey, AuditSubjects.Id(key.Id), null, ChangeSnapshots.Of(key))], cancellationToken);
        return new CreatedApiKey(key, $"{Prefix}{key.Id:N}_{Convert.ToHexStringLower(secret)}");
    }

    /// <summary>Checks a presented token in constant time against the stored hash; a valid use is recorded as last used.</summary>
    public async Task<(ApiKeyCheck Check, ApiKey? Key)> AuthenticateAsync(string token, CancellationToken cancellationToken = default)
    {
        if (!TryParse(token, out var id, out var secret))
        {
            return (ApiKeyCheck.Malformed, null);
        }

        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return (ApiKeyCheck.Unknown, null);
        }

        var presented = SHA256.HashData(secret);
        var stored = Convert.FromHexString(key.SecretHash);
        if (!CryptographicOperations.FixedTimeEquals(presented, stored))
        {
            return (ApiKeyCheck.WrongSecret, null);
        }

        if (key.IsRevoked)
        {
            return (ApiKeyCheck.Revoked, null);
        }

        var now = time.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            key.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return (ApiKeyCheck.Valid, key);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        var keys = await db.ApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Name, StringComparer.Ordinal)];
    }

    /// <summary>Revokes the key; revoking it again changes nothing. Null when no key has that id.</summary>
    public async Task<ApiKey?> RevokeAsync(Guid id, TaskActor actor, CancellationToken cancellationToken = default)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null || key.IsRevoked)
        {
            return key;
        }

        var before = ChangeSnapshots.Of(key);
        key.RevokedAt = time.GetUtcNow();
        await changes.SaveAsync(actor, [new Change("apikey.revoked", AuditSubjects.ApiKey, AuditSubjects.Id(key.Id), before, ChangeSnapshots.Of(key))], cancellationToken);
        return key;
    }

    private static bool TryParse(string token, out Guid id, out byte[] secret)
    {
        id = Guid.Empty;
        secret = [];
        var rest = token.AsSpan();
        if (!rest.StartsWith(Prefix, StringComparison.Ordinal) || rest.Length != Prefix.Length + IdLength + 1 + (SecretBytes * 2))
        {
            return false;
        }

        rest = rest[Prefix.Length..];
        if (rest[IdLength] != '_' || !Guid.TryParseExact(rest[..IdLength], "N", out id) || !IsHex(rest[(IdLength + 1)..]))
        {
            return false;
        }

        secret = Convert.FromHexString(rest[(IdLength + 1)..]);
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
