using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatCompliance.Core.Storage;

/// <summary>Healthy when the store answers a connection.</summary>
internal sealed class StoreHealthCheck(ComplianceDbContext db, StoreDescription store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = store.Provider, ["location"] = store.Location };
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy($"{store.Provider} store reachable", data)
                : HealthCheckResult.Unhealthy($"{store.Provider} store unreachable", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{store.Provider} store unreachable", e, data);
        }
    }
}
