using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Announcements;
using ChatCompliance.Core.Digests;
using ChatCompliance.Jobs.Announcements;
using ChatCompliance.Jobs.Audit;
using ChatCompliance.Jobs.CatchUp;
using ChatCompliance.Jobs.Chaser;
using ChatCompliance.Jobs.Heartbeat;
using ChatCompliance.Jobs.Reviews;
using ChatCompliance.Jobs.Tasks;
using ChatCompliance.Jobs.Outbox;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Jobs;

/// <summary>Registers Hangfire (PostgreSQL storage with PostgreSQL, in-memory with the embedded default) and the recurring jobs.</summary>
public static class JobsExtensions
{
    /// <summary>How long the start waits for the recurring jobs' registration (milliseconds when no lock is held).</summary>
    private static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(3);

    /// <summary>Adds the job storage, this instance's job server and the jobs' health check.</summary>
    public static IHostApplicationBuilder AddComplianceJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddTimeProvider();
        var store = StorageExtensions.Describe(builder.Configuration, builder.Environment.ContentRootPath);
        var identity = new JobServerIdentity(
            $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24].ToLowerInvariant(),
            store.IsPostgres ? "postgresql" : "in-memory");
        builder.Services.AddSingleton(identity);

        builder.Services.AddHangfire((services, config) =>
        {
            config.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (store.IsPostgres)
            {
                // A lock whose holder died (SIGKILL, power loss) is taken over after this; Hangfire.PostgreSql renews none.
                config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(store.ConnectionString), new PostgreSqlStorageOptions
                {
                    DistributedLockTimeout = services.GetRequiredService<IOptions<JobsOptions>>().Value.DistributedLockTimeout,
                });
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
        builder.Services.AddScoped<TaskGenerationJob>();
        builder.Services.AddScoped<OnDemand.JobTrigger>();
        builder.Services.AddHealthChecks().AddCheck<JobServerHealthCheck>("jobs");
        return builder;
    }

    /// <summary>
    /// Registers every recurring job (the one table of them, each on its configured schedule) under its stable id; safe
    /// on every start of every instance. A job whose lock is held (by an instance that died holding it) does not stop the start:
    /// it is retried in the background (<see cref="RecurringJobRegistration"/>).
    /// </summary>
    public static Task<Task> RegisterRecurringJobsAsync(this IServiceProvider services, CancellationToken stopping = default)
    {
        var options = services.GetRequiredService<IOptions<JobsOptions>>().Value;
        var company = new RecurringJobOptions { TimeZone = services.GetRequiredService<CompanyClock>().TimeZone };
        var chaseCron = services.GetRequiredService<IOptions<ChaserOptions>>().Value.ChaseCron;
        var registrations = new Dictionary<string, Action<IRecurringJobManager>>
        {
            [HeartbeatJob.RecurringJobId] = jobs => jobs.AddOrUpdate<HeartbeatJob>(HeartbeatJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.HeartbeatCron),
            [ReviewCompletionJob.RecurringJobId] = jobs => jobs.AddOrUpdate<ReviewCompletionJob>(ReviewCompletionJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.ReviewCompletionCron),
            [ReviewRecurrenceJob.RecurringJobId] = jobs => jobs.AddOrUpdate<ReviewRecurrenceJob>(ReviewRecurrenceJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.ReviewRecurrenceCron),
            [AuditAnnouncementJob.RecurringJobId] = jobs => jobs.AddOrUpdate<AuditAnnouncementJob>(AuditAnnouncementJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.AnnouncementCron, company),
            [WeeklyDigestJob.RecurringJobId] = jobs => jobs.AddOrUpdate<WeeklyDigestJob>(WeeklyDigestJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.DigestCron, company),
            [AuditAnchorJob.RecurringJobId] = jobs => jobs.AddOrUpdate<AuditAnchorJob>(AuditAnchorJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.AuditAnchorCron),
            [OutboxDispatchJob.RecurringJobId] = jobs => jobs.AddOrUpdate<OutboxDispatchJob>(OutboxDispatchJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), Cron.Minutely()),
            [EvidenceChaserJob.RecurringJobId] = jobs => jobs.AddOrUpdate<EvidenceChaserJob>(EvidenceChaserJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), chaseCron),
            [TaskGenerationJob.RecurringJobId] = jobs => jobs.AddOrUpdate<TaskGenerationJob>(TaskGenerationJob.RecurringJobId, j => j.RunAsync(CancellationToken.None), options.TaskGenerationCron),
        };

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RecurringJobRegistration));
        return RecurringJobRegistration.RegisterAsync(services.GetRequiredService<IRecurringJobManager>(), registrations, logger, RegistrationWait, stopping);
    }

    /// <summary>
    /// Makes up, once, the reminders, escalations, announcements and digest that no instance sent while none ran
    /// (<see cref="MissedRuns"/>): each of these jobs runs at start if its schedule came round in its period.
    /// </summary>
    public static Task<IReadOnlyList<string>> CatchUpMissedRunsAsync(this IServiceProvider services, CancellationToken stopping = default)
    {
        var options = services.GetRequiredService<IOptions<JobsOptions>>().Value;
        var company = services.GetRequiredService<CompanyClock>().TimeZone;
        var chaseCron = services.GetRequiredService<IOptions<ChaserOptions>>().Value.ChaseCron;
        CatchUpJob[] jobs =
        [
            new(EvidenceChaserJob.RecurringJobId, chaseCron, TimeZoneInfo.Utc, CatchUpPeriod.Day, (s, c) => s.GetRequiredService<EvidenceChaserJob>().RunAsync(c)),
            new(AuditAnnouncementJob.RecurringJobId, options.AnnouncementCron, company, CatchUpPeriod.Day, (s, c) => s.GetRequiredService<AuditAnnouncementJob>().RunAsync(c)),
            new(WeeklyDigestJob.RecurringJobId, options.DigestCron, company, CatchUpPeriod.Week, (s, c) => s.GetRequiredService<WeeklyDigestJob>().RunAsync(c)),
        ];
        return MissedRuns.CatchUpAsync(services, jobs, stopping);
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

    /// <summary>The outbox dispatcher (its loop and options); it sends through the registered chat channels (<see cref="ChatChannels"/>).</summary>
    private static void AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.ClaimAhead < o.ClaimDuration, "Outbox:ClaimAhead must be shorter than Outbox:ClaimDuration.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.AddSingleton(services => new OutboxHandOff(services.GetRequiredService<IOptions<OutboxOptions>>(), services.GetRequiredService<JobServerIdentity>()));
        builder.Services.AddScoped<ChatChannels>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddScoped<PersonalChatOpener>();
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
