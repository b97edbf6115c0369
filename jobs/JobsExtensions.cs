using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Chaser;
using ChatCompliance.Jobs.Heartbeat;
using ChatCompliance.Jobs.Reviews;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs;

/// <summary>Registers Hangfire (PostgreSQL storage with PostgreSQL, in-memory with the embedded default) and the recurring jobs.</summary>
public static class JobsExtensions
{
    /// <summary>Adds the job storage, this instance's job server and the jobs' health check.</summary>
    public static IHostApplicationBuilder AddComplianceJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName);
        builder.Services.TryAddTimeProvider();
        var store = StorageExtensions.Describe(builder.Configuration, builder.Environment.ContentRootPath);
        var identity = new JobServerIdentity(
            $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24].ToLowerInvariant(),
            store.IsPostgres ? "postgresql" : "in-memory");
        builder.Services.AddSingleton(identity);

        builder.Services.AddHangfire(config =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (store.IsPostgres)
            {
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(store.ConnectionString));
            }
            else
            {
                config.UseInMemoryStorage();
            }
        });
        builder.Services.AddHangfireServer((services, server) =>
        {
            server.ServerName = identity.Name;
            server.WorkerCount = services.GetRequiredService<IOptions<JobsOptions>>().Value.WorkerCount;
        });
        builder.Services.AddTransient<HeartbeatJob>();
        builder.Services.AddScoped<ReviewCompletionJob>();
        builder.Services.AddScoped<EvidenceChaserJob>();
        builder.Services.AddHealthChecks().AddCheck<JobServerHealthCheck>("jobs");
        return builder;
    }

    /// <summary>Registers every recurring job under its stable id; safe to call on every start of every instance.</summary>
    public static void RegisterRecurringJobs(this IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<JobsOptions>>().Value;
        var jobs = services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<HeartbeatJob>(HeartbeatJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.HeartbeatCron);
        jobs.AddOrUpdate<ReviewCompletionJob>(ReviewCompletionJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.ReviewCompletionCron);
        jobs.AddOrUpdate<EvidenceChaserJob>(EvidenceChaserJob.RecurringJobId, j => j.RunAsync(CancellationToken.None),
            services.GetRequiredService<IOptions<ChaserOptions>>().Value.ChaseCron);
    }

    /// <summary>Maps the Hangfire dashboard at <c>/hangfire</c>: loopback only, unless a policy is configured.</summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<JobsOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.DashboardPolicy))
        {
            endpoints.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new LocalRequestsOnlyAuthorizationFilter()] });
        }
        else
        {
            endpoints.MapHangfireDashboardWithAuthorizationPolicy(options.DashboardPolicy, "/hangfire");
        }

        return endpoints;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
