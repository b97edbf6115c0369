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
        builder.Services.AddSingleton<AuditTrail>();
        builder.Services.AddScoped<AuditExporter>();
        return builder;
    }
}
