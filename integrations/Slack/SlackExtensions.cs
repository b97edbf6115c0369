using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using ChatCompliance.Core.Chat;
using ChatCompliance.Integrations.Http;

namespace ChatCompliance.Integrations.Slack;

/// <summary>Registers the Slack channel's options and its Web API client.</summary>
public static class SlackExtensions
{
    private const string ResiliencePipelineName = "slack-web-api";

    /// <summary>
    /// Binds <see cref="SlackOptions"/> from the <c>Slack</c> section, filling an empty bot token and signing secret
    /// from Bolt's root keys <c>SLACK_BOT_TOKEN</c> and <c>SLACK_SIGNING_SECRET</c> (so environment variables of
    /// those names work); registers <see cref="ISlackWebApi"/> as a typed client behind one resilience handler
    /// (retry with <c>Retry-After</c>, rate-limit queueing, attempt timeout) and the token handler.
    /// </summary>
    public static IHostApplicationBuilder AddSlack(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddOptions<SlackOptions>()
            .Bind(configuration.GetSection(SlackOptions.SectionName))
            .PostConfigure(o =>
            {
                o.BotToken = NonEmpty(o.BotToken) ?? NonEmpty(configuration[SlackOptions.BotTokenVariable]);
                o.SigningSecret = NonEmpty(o.SigningSecret) ?? NonEmpty(configuration[SlackOptions.SigningSecretVariable]);
            })
            .ValidateDataAnnotations()
            .Validate(
                o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp),
                "Slack:ApiBaseUrl must be an absolute HTTP(S) URL.")
            .Validate(
                o => string.IsNullOrWhiteSpace(o.BotToken) || !string.IsNullOrWhiteSpace(o.SigningSecret),
                $"Slack:SigningSecret (or {SlackOptions.SigningSecretVariable}) is required when a bot token is set.")
            .Validate(
                o => string.IsNullOrWhiteSpace(o.SigningSecret) || !builder.Environment.IsProduction()
                    || (!string.IsNullOrWhiteSpace(o.TeamId) && !string.IsNullOrWhiteSpace(o.AppId)) || o.AllowAnyWorkspace,
                "Slack:TeamId and Slack:AppId are required with a signing secret in Production: a request from another workspace or app must be refused "
                + "(to accept every workspace and app, set Slack:AllowAnyWorkspace=true explicitly).")
            .ValidateOnStart();

        services.TryAddSingleton<SlackRateLimiter>();
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IChatChannel, SlackChannel>());
        services.TryAddTransient<SlackTokenHandler>();

        // Interaction response URLs: a plain client, no bot token.
        services.AddHttpClient<SlackResponseUrl>(http => http.Timeout = TimeSpan.FromSeconds(10));

        var client = services.AddHttpClient<ISlackWebApi, SlackWebApiClient>((sp, http) =>
        {
            var options = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
            http.BaseAddress = new Uri(options.ApiBaseUrl.TrimEnd('/') + "/");
            http.Timeout = options.TotalTimeout;
        });
        client.AddOutboundPipeline<SlackTokenHandler>(ResiliencePipelineName, Policy);
        return builder;
    }

    /// <summary>429 after <c>Retry-After</c> and 5xx but 501 are retried; each attempt waits for its Slack method tier's permit.</summary>
    private static OutboundPolicy Policy(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<SlackWebApiClient>();
        return new OutboundPolicy(
            services.GetRequiredService<IOptions<SlackOptions>>().Value.Retry,
            response => response.StatusCode == HttpStatusCode.TooManyRequests
                || ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.NotImplemented),
            _ => false,
            (request, outcome, attempt, delay) => Log.Retrying(
                logger, request is not null && request.Options.TryGetValue(SlackCall.Key, out var call) ? call.Method : null, outcome, attempt, delay),
            services.GetRequiredService<SlackRateLimiter>().AcquireAsync);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
