namespace ChatCompliance.Core.Domain;

/// <summary>What an API key may do on the admin API.</summary>
public enum ApiKeyRole
{
    /// <summary>Reads everything; writes controls, tasks and audits.</summary>
    ComplianceLead = 1,
    /// <summary>Everything a lead may do, plus people and API keys.</summary>
    Admin = 2,
}

/// <summary>A credential for automation and local use of the admin API; only a hash of its secret is kept.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>What the key is for, e.g. <c>terraform</c> or <c>grc-sync</c>.</summary>
    public required string Name { get; set; }

    public ApiKeyRole Role { get; set; }

    /// <summary>SHA-256 of the secret, lower-case hex; the secret itself is shown once and never stored.</summary>
    public required string SecretHash { get; set; }

    /// <summary>Who made the key: an admin's email, or <c>cli</c>.</summary>
    public string? CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the key last authenticated a request (updated at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>When the key was revoked; a revoked key never authenticates again.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsRevoked => RevokedAt is not null;
}
