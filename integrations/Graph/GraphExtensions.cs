using ChatCompliance.Core.Reviews;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace ChatCompliance.Integrations.Graph;

/// <summary>Registers the access directory and the Teams app installer on Microsoft Graph.</summary>
public static class GraphExtensions
{
    /// <summary>
    /// Binds <see cref="GraphOptions"/> from <c>Graph</c>, registers <see cref="ITeamsAppInstaller"/> (which refuses, saying
    /// what to set, until Graph and <c>Teams:CatalogAppId</c> are configured) and <see cref="IAccessDirectory"/>: on Graph when
    /// the tenant, client id and secret are set, otherwise one that says so (<see cref="IAccessDirectory.IsConfigured"/>
    /// false). The Graph client's <see cref="HttpClient"/> comes from the factory with the SDK's default handlers, its
    /// retry handler bounded by <see cref="GraphOptions.MaxRetries"/> and <see cref="GraphOptions.MaxRetryWaitSeconds"/>.
    /// </summary>
    public static IHostApplicationBuilder AddGraphDirectory(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GraphOptions>()
            .BindConfiguration(GraphOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.TokenEndpoint.Replace("{tenant}", "t", StringComparison.Ordinal), UriKind.Absolute, out _), "Graph:TokenEndpoint must be an absolute URL.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GraphTokenProvider>();
        services.AddHttpClient(GraphTokenProvider.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient(GraphAccessDirectory.HttpClientName, (sp, http) =>
            {
                http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<GraphOptions>>().Value.BaseUrl.TrimEnd('/') + "/");
                http.Timeout = TimeSpan.FromSeconds(100);
            })
            .ConfigureAdditionalHttpMessageHandlers((handlers, sp) =>
            {
                foreach (var handler in CreateHandlers(sp.GetRequiredService<IOptions<GraphOptions>>().Value))
                {
                    handlers.Add(handler);
                }
            })
            // The directory logs its failures; the factory's per-request lines would be thousands per population.
            .RemoveAllLoggers();

        services.TryAddSingleton<IAccessDirectory>(sp => sp.GetRequiredService<IOptions<GraphOptions>>().Value.IsConfigured
            ? ActivatorUtilities.CreateInstance<GraphAccessDirectory>(sp)
            : new UnconfiguredAccessDirectory());
        services.TryAddSingleton<ITeamsAppInstaller, TeamsAppInstaller>();
        return builder;
    }

    /// <summary>The Graph SDK's default handlers, with a retry handler that gives up in bounded time.</summary>
    internal static IList<DelegatingHandler> CreateHandlers(GraphOptions options)
    {
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i] is RetryHandler)
            {
                handlers[i].Dispose();
                handlers[i] = new RetryHandler(new RetryHandlerOption
                {
                    MaxRetry = options.MaxRetries,
                    RetriesTimeLimit = TimeSpan.FromSeconds(options.MaxRetryWaitSeconds),
                });
            }
        }

        return handlers;
    }
}
