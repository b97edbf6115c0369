using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Announcements;

/// <summary>An audit as a person gives it: the kind by name (which implies the framework), its name and dates.</summary>
public sealed record AuditSpec(
    string? Kind, string? Framework, string? Name, DateOnly? StartsOn, DateOnly? EndsOn = null, DateOnly? PeriodStart = null, DateOnly? PeriodEnd = null,
    DateOnly? FieldworkStart = null, DateOnly? FieldworkEnd = null, DateOnly? CertificateExpiresOn = null, string? Auditor = null);

/// <summary>The rules of the audit calendar, shared by the admin API and the lead's chat command.</summary>
public static class AuditCalendar
{
    public const int MaxName = 200;
    public const int MaxAuditor = 200;

    public static IReadOnlyDictionary<AuditKind, string> KindNames { get; } = new Dictionary<AuditKind, string>
    {
        [AuditKind.Soc2Type1] = "soc2-type1",
        [AuditKind.Soc2Type2] = "soc2-type2",
        [AuditKind.Iso27001Stage1] = "iso27001-stage1",
        [AuditKind.Iso27001Stage2] = "iso27001-stage2",
        [AuditKind.Iso27001Surveillance] = "iso27001-surveillance",
        [AuditKind.Iso27001Recertification] = "iso27001-recertification",
    };

    public static IReadOnlyDictionary<Framework, string> FrameworkNames { get; } = new Dictionary<Framework, string>
    {
        [Framework.Soc2] = "soc2",
        [Framework.Iso27001] = "iso27001",
    };

    /// <summary>
    /// Checks the spec as a whole (dates in order, fields that fit the kind) and copies it onto <paramref name="audit"/>
    /// when it is good; returns the problems as (field, reason), empty when applied.
    /// </summary>
    public static IReadOnlyList<(string Field, string Reason)> Apply(AuditSpec request, Domain.Audit audit)
    {
        var errors = new List<(string, string)>();
        void Add(string field, string? reason)
        {
            if (reason is not null)
            {
                errors.Add((field, reason));
            }
        }

        var kind = KindNames.FirstOrDefault(k => string.Equals(k.Value, request.Kind?.Trim(), StringComparison.OrdinalIgnoreCase)).Key;
        var knownKind = request.Kind is not null && KindNames.Values.Contains(request.Kind.Trim(), StringComparer.OrdinalIgnoreCase);
        Add("kind", string.IsNullOrWhiteSpace(request.Kind) ? $"kind is required: one of {string.Join(", ", KindNames.Values)}"
            : knownKind ? null : $"'{request.Kind.Trim()}' is not an audit kind: use one of {string.Join(", ", KindNames.Values)}");
        var framework = kind is AuditKind.Soc2Type1 or AuditKind.Soc2Type2 ? Domain.Framework.Soc2 : Domain.Framework.Iso27001;
        if (knownKind && !string.IsNullOrWhiteSpace(request.Framework) && !string.Equals(request.Framework.Trim(), FrameworkNames[framework], StringComparison.OrdinalIgnoreCase))
        {
            Add("framework", $"a {KindNames[kind]} audit belongs to {FrameworkNames[framework]} (the framework may be left out)");
        }

        Add("name", TextRule.Problem(request.Name, "name", MaxName));
        Add("auditor", TextRule.Problem(request.Auditor, "auditor", MaxAuditor, required: false));
        Add("startsOn", request.StartsOn is null ? "startsOn is required: the as-of date, or the first day of fieldwork or of the audit" : null);
        Add("endsOn", NotBefore(request.EndsOn, request.StartsOn, "endsOn", "startsOn"));
        Add("fieldworkEnd", NotBefore(request.FieldworkEnd, request.FieldworkStart, "fieldworkEnd", "fieldworkStart"));

        var hasPeriod = request.PeriodStart is not null || request.PeriodEnd is not null;
        if (knownKind && kind == AuditKind.Soc2Type2)
        {
            Add("periodStart", request.PeriodStart is null ? "a SOC 2 Type 2 audit needs its observation period (periodStart and periodEnd)" : null);
            Add("periodEnd", request.PeriodEnd is null ? "a SOC 2 Type 2 audit needs its observation period (periodStart and periodEnd)" : null);
            Add("periodEnd", NotBefore(request.PeriodEnd, request.PeriodStart, "periodEnd", "periodStart"));
        }
        else if (knownKind && hasPeriod)
        {
            Add("periodStart", "only a SOC 2 Type 2 audit has an observation period");
        }

        if (knownKind && framework == Domain.Framework.Soc2 && request.CertificateExpiresOn is not null)
        {
            Add("certificateExpiresOn", "a SOC 2 report is not a certificate: only ISO/IEC 27001 audits have a certificate expiry");
        }

        Add("certificateExpiresOn", NotBefore(request.CertificateExpiresOn, request.StartsOn, "certificateExpiresOn", "startsOn"));
        if (errors.Count > 0)
        {
            return errors;
        }

        audit.Kind = kind;
        audit.Framework = framework;
        audit.Name = request.Name!.Trim();
        audit.StartsOn = request.StartsOn!.Value;
        audit.EndsOn = request.EndsOn;
        audit.PeriodStart = request.PeriodStart;
        audit.PeriodEnd = request.PeriodEnd;
        audit.FieldworkStart = request.FieldworkStart;
        audit.FieldworkEnd = request.FieldworkEnd;
        audit.CertificateExpiresOn = request.CertificateExpiresOn;
        audit.Auditor = string.IsNullOrWhiteSpace(request.Auditor) ? null : request.Auditor.Trim();
        return errors;
    }

    private static string? NotBefore(DateOnly? later, DateOnly? earlier, string laterName, string earlierName) =>
        later is not null && earlier is not null && later < earlier ? $"{laterName} is before {earlierName}" : null;
}
