using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Digests;
using ChatCompliance.Jobs.Announcements;
using ChatCompliance.Jobs.Audit;
using ChatCompliance.Jobs.Chaser;
using ChatCompliance.Jobs.Heartbeat;
using ChatCompliance.Jobs.Reviews;
using ChatCompliance.Jobs.Outbox;
using Hangfire;
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
        builder.Services.AddScoped<ReviewRecurrenceJob>();
        builder.Services.AddSingleton<CompanyClock>();
        builder.Services.AddScoped<AuditAnnouncer>();
        builder.Services.AddScoped<WeeklyDigest>();
        builder.Services.AddScoped<AuditAnnouncementJob>();
        builder.Services.AddScoped<WeeklyDigestJob>();
        builder.AddOutbox();
        builder.Services.AddScoped<EvidenceChaserJob>();
        builder.Services.AddScoped<AuditAnchorJob>();
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
        jobs.AddOrUpdate<ReviewRecurrenceJob>(ReviewRecurrenceJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.ReviewRecurrenceCron);
        var company = new RecurringJobOptions { TimeZone = services.GetRequiredService<CompanyClock>().TimeZone };
        jobs.AddOrUpdate<AuditAnnouncementJob>(AuditAnnouncementJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.AnnouncementCron, company);
        jobs.AddOrUpdate<WeeklyDigestJob>(WeeklyDigestJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.DigestCron, company);
        jobs.AddOrUpdate<AuditAnchorJob>(AuditAnchorJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.AuditAnchorCron);
        jobs.AddOrUpdate<OutboxDispatchJob>(OutboxDispatchJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<EvidenceChaserJob>(EvidenceChaserJob.RecurringJobId, j => j.RunAsync(CancellationToken.None),
            services.GetRequiredService<IOptions<ChaserOptions>>().Value.ChaseCron);
    }

    /// <summary>
    /// Maps the Hangfire dashboard at <c>/hangfire</c> behind <c>Jobs:DashboardPolicy</c> when set, else behind
    /// <paramref name="defaultPolicy"/> (an authenticated compliance lead or admin), in every environment and from every address.
    /// </summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder endpoints, string defaultPolicy)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<JobsOptions>>().Value;
        // The policy decides; Hangfire's own filter (loopback only) is replaced, not added to: being on the machine proves nothing.
        endpoints.MapHangfireDashboardWithAuthorizationPolicy(string.IsNullOrWhiteSpace(options.DashboardPolicy) ? defaultPolicy : options.DashboardPolicy, "/hangfire",
            new DashboardOptions { Authorization = [], AsyncAuthorization = [] });
        return endpoints;
    }

    /// <summary>The outbox dispatcher (its loop and options); the sender is the host's (<see cref="IOutboxSender"/>).</summary>
    private static void AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ClaimAhead < o.ClaimDuration, "Outbox:ClaimAhead must be shorter than Outbox:ClaimDuration.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddTransient<OutboxDispatchJob>();
        builder.Services.AddHostedService<OutboxDispatchService>();
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
