using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Controls;

/// <summary>Registers the control register and the API-key service (the store and the knowledge base are added elsewhere).</summary>
public static class ControlRegisterExtensions
{
    /// <summary>Adds <see cref="ControlRegister"/>, checked against the knowledge base's catalogs; needs <c>AddKnowledgeBase</c> and <c>AddStorage</c>.</summary>
    public static IHostApplicationBuilder AddControlRegister(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton(services => services.GetRequiredService<KnowledgeBase>().Catalog);
        builder.Services.TryAddScoped<ControlRegister>();
        AddChangeRecorder(builder);
        return builder;
    }

    /// <summary>Adds <see cref="ApiKeyService"/>; needs <c>AddStorage</c>.</summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddScoped<ApiKeyService>();
        AddChangeRecorder(builder);
        return builder;
    }

    // Every change these make is audited; the CLI builds a host with only these and the store.
    private static void AddChangeRecorder(IHostApplicationBuilder builder)
    {
        builder.AddAuditTrail();
    }
}
