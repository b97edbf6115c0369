using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatCompliance.Jobs.Heartbeat;

/// <summary>Healthy when this instance's Hangfire server is registered and beating.</summary>
internal sealed class JobServerHealthCheck(JobStorage storage, JobServerIdentity identity, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(2);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var servers = storage.GetMonitoringApi().Servers();
            var mine = servers.FirstOrDefault(s => s.Name.StartsWith(identity.Name, StringComparison.Ordinal));
            using var connection = storage.GetConnection();
            var heartbeat = connection.GetRecurringJobs([HeartbeatJob.RecurringJobId]).FirstOrDefault();
            var data = new Dictionary<string, object>
            {
                ["storage"] = identity.StorageKind,
                ["server"] = identity.Name,
                ["servers"] = servers.Count,
            };
            if (heartbeat?.LastExecution is { } last)
            {
                data["lastHeartbeat"] = DateTime.SpecifyKind(last, DateTimeKind.Utc).ToString("O");
            }

            if (mine is null)
            {
                return Task.FromResult(HealthCheckResult.Degraded("job server starting", data: data));
            }

            var beat = mine.Heartbeat is { } h ? new DateTimeOffset(DateTime.SpecifyKind(h, DateTimeKind.Utc)) : (DateTimeOffset?)null;
            return Task.FromResult(beat is { } b && time.GetUtcNow() - b > StaleAfter
                ? HealthCheckResult.Unhealthy("job server heartbeat is stale", data: data)
                : HealthCheckResult.Healthy("job server running", data));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("job storage unreachable", e));
        }
    }
}

/// <summary>This process's Hangfire server name and the kind of storage it uses.</summary>
internal sealed record JobServerIdentity(string Name, string StorageKind);
