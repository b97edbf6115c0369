namespace ChatCompliance.Core.Domain;

/// <summary>How often a control needs fresh evidence.</summary>
public enum EvidenceFrequency
{
    /// <summary>Evidence only when asked.</summary>
    OnDemand = 0,
    Monthly = 1,
    Quarterly = 2,
    Annual = 3,
}

/// <summary>A control of the company's register, mapped to SOC 2 criteria and ISO/IEC 27001 ids.</summary>
public sealed class Control
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>The company's own id for the control (for example <c>AC-02</c>), unique.</summary>
    public required string Code { get; set; }

    public required string Title { get; set; }

    /// <summary>SOC 2 criteria ids such as <c>CC6.2</c>.</summary>
    public List<string> Soc2Refs { get; set; } = [];

    /// <summary>ISO/IEC 27001:2022 ids such as <c>A.5.18</c> or <c>9.2</c>.</summary>
    public List<string> Iso27001Refs { get; set; } = [];

    public string? EvidenceDescription { get; set; }

    public EvidenceFrequency Frequency { get; set; } = EvidenceFrequency.OnDemand;

    public Guid? OwnerId { get; set; }

    public Person? Owner { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
