using System.Net;
using ChatCompliance.Core.Chat;
using ChatCompliance.Integrations.Http;
using ChatCompliance.Integrations.Teams.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Integrations.Teams;

/// <summary>Registers the Teams channel: its options and the outbound Bot Connector client.</summary>
public static class TeamsExtensions
{
    private const string ResiliencePipelineName = "bot-connector";

    /// <summary>
    /// Binds <see cref="TeamsOptions"/> from the Bot Framework's root keys (<c>MicrosoftAppId</c>, … — so
    /// environment variables of those names work) and then from the <c>Teams</c> section; binds
    /// <see cref="BotConnectorOptions"/> from <c>Teams:Connector</c>; registers the token provider, its handler
    /// and <see cref="IBotConnector"/> as a typed client behind one resilience handler (retry, rate limits, attempt timeout).
    /// </summary>
    public static IHostApplicationBuilder AddTeams(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TeamsOptions>()
            .Bind(builder.Configuration)
            .Bind(builder.Configuration.GetSection(TeamsOptions.SectionName))
            .Validate(o => o.IsLocalMode || !string.IsNullOrWhiteSpace(o.MicrosoftAppPassword), "MicrosoftAppPassword is required when MicrosoftAppId is set.")
            .Validate(
                o => o.MicrosoftAppType is { } type && (type.Equals("SingleTenant", StringComparison.OrdinalIgnoreCase) || type.Equals("MultiTenant", StringComparison.OrdinalIgnoreCase)),
                "MicrosoftAppType must be SingleTenant or MultiTenant (the bot authenticates with MicrosoftAppPassword; UserAssignedMSI is not supported).")
            .Validate(o => Uri.TryCreate(o.TokenEndpoint.Replace("{tenant}", "t", StringComparison.Ordinal), UriKind.Absolute, out _), "Teams:TokenEndpoint must be an absolute URL.")
            .Validate(
                o => o.IsLocalMode || o.IsMultiTenant || !string.IsNullOrWhiteSpace(o.MicrosoftAppTenantId),
                "MicrosoftAppTenantId is required for a SingleTenant bot: only activities from that tenant (and Teams:AllowedTenants) are accepted.")
            .Validate(
                o => o.ServiceUrlPrefixes.All(Auth.ServiceUrlPolicy.IsValidPrefix),
                "Teams:AllowedServiceUrls must be absolute HTTPS URLs (plain HTTP only on this machine), such as https://smba.trafficmanager.net/.")
            .Validate(o => !o.CanInstallForPeople || Guid.TryParse(o.CatalogAppId, out _), "Teams:CatalogAppId must be the app's id in the Teams app catalog (a GUID).")
            .Validate(
                o => !o.CanInstallForPeople || Auth.ServiceUrlPolicy.IsAllowed(o.ServiceUrl, o.ServiceUrlPrefixes),
                "Teams:ServiceUrl must fall under Teams:AllowedServiceUrls (by default the Bot Framework's hosts, such as https://smba.trafficmanager.net/teams/) when Teams:CatalogAppId is set.")
            .Validate(
                o => !builder.Environment.IsProduction() || o.IsLocalMode || !o.IsMultiTenant || o.AllowedTenants.Count > 0 || o.AllowAllTenants,
                "A MultiTenant bot needs Teams:AllowedTenants (the tenant ids that may use it) in Production; "
                + "to accept every tenant, set Teams:AllowAllTenants=true explicitly.")
            .ValidateOnStart();
        services.AddOptions<BotConnectorOptions>()
            .Bind(builder.Configuration.GetSection(BotConnectorOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BotTokenProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IChatChannel, TeamsChannel>());
        services.TryAddSingleton<BotConnectorRateLimiter>();
        services.TryAddTransient<BotTokenHandler>();

        services.AddHttpClient(BotTokenProvider.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
        var connector = services.AddHttpClient<IBotConnector, BotConnectorClient>((sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<BotConnectorOptions>>().Value.TotalTimeout);
        // The connector never redirects; a redirect would lose the bearer token anyway, so it is an error, not a hop.
        connector.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        connector.AddOutboundPipeline<BotTokenHandler>(ResiliencePipelineName, ConnectorPolicy);
        return builder;
    }

    /// <summary>412, 429 and 5xx but 501 are retried; each attempt first waits for its conversation's and tenant's permits.</summary>
    private static OutboundPolicy ConnectorPolicy(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<BotConnectorClient>();
        return new OutboundPolicy(
            services.GetRequiredService<IOptions<BotConnectorOptions>>().Value.Retry,
            response => BotConnectorException.IsTransientStatus(response.StatusCode),
            e => e is BotConnectorException { IsTransient: true },
            (request, outcome, attempt, delay) => Log.Retrying(logger, request?.Method, request?.RequestUri, outcome, attempt, delay),
            services.GetRequiredService<BotConnectorRateLimiter>().AcquireAsync);
    }
}
