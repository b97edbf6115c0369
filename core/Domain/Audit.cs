namespace ChatCompliance.Core.Domain;

public enum Framework
{
    Soc2 = 0,
    Iso27001 = 1,
}

/// <summary>The kinds of external audit the calendar tracks.</summary>
public enum AuditKind
{
    Soc2Type1 = 0,
    Soc2Type2 = 1,
    Iso27001Stage1 = 2,
    Iso27001Stage2 = 3,
    Iso27001Surveillance = 4,
    Iso27001Recertification = 5,
}

/// <summary>An external audit on the calendar.</summary>
public sealed class Audit
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Framework Framework { get; set; }

    public AuditKind Kind { get; set; }

    public required string Name { get; set; }

    /// <summary>The audit's own date: a Type 1's as-of date, or the first day of fieldwork or of the on-site audit.</summary>
    public DateOnly StartsOn { get; set; }

    public DateOnly? EndsOn { get; set; }

    /// <summary>A SOC 2 Type 2 observation period.</summary>
    public DateOnly? PeriodStart { get; set; }

    public DateOnly? PeriodEnd { get; set; }

    public DateOnly? FieldworkStart { get; set; }

    public DateOnly? FieldworkEnd { get; set; }

    /// <summary>When the ISO/IEC 27001 certificate that this audit grants or keeps expires.</summary>
    public DateOnly? CertificateExpiresOn { get; set; }

    /// <summary>The CPA firm or certification body.</summary>
    public string? Auditor { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
