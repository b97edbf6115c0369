using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Audit;

/// <summary>Registers the audit trail and the auditor's export.</summary>
public static class AuditExtensions
{
    /// <summary>Adds <see cref="AuditTrail"/> and <see cref="AuditExporter"/>; needs the store.</summary>
    public static IHostApplicationBuilder AddAuditTrail(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<AuditTrail>();
        builder.Services.AddScoped<AuditExporter>();
        builder.Services.TryAddScoped<ChangeRecorder>();
        // Separation of duties is judged where tasks and reviews are decided, and its settings are audited at start.
        builder.Services.AddOptions<Duties.SeparationOfDutiesOptions>().BindConfiguration(Duties.SeparationOfDutiesOptions.SectionName);
        return builder;
    }
}
