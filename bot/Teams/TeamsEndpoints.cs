using System.Text.Json;
using ChatCompliance.Integrations.Teams;
using ChatCompliance.Integrations.Teams.Auth;
using ChatCompliance.Integrations.Teams.Protocol;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Teams;

/// <summary><c>POST /api/messages</c>: the Bot Framework endpoint Teams calls.</summary>
internal static partial class TeamsEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds the connector client, the inbound authenticator and the adapter.</summary>
    public static IHostApplicationBuilder AddTeamsChannel(this IHostApplicationBuilder builder)
    {
        builder.AddTeams();
        builder.Services.AddHttpClient(nameof(BotFrameworkAuthenticator));
        builder.Services.AddSingleton<BotFrameworkAuthenticator>();
        builder.Services.AddScoped<TeamsAdapter>();
        builder.Services.AddSingleton<Core.People.TeamsIdentity>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTeamsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value;
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("ChatCompliance.Teams");
        if (options.IsLocalMode)
        {
            // Expected while developing with local tools; anywhere else it is worth a warning.
            LogLocalMode(logger, endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment() ? LogLevel.Information : LogLevel.Warning);
        }

        endpoints.MapPost("/api/messages", HandleAsync);
        return endpoints;
    }

    /// <summary>Checks in a fixed order: size, token, JSON, activity claims; then hands the activity to the adapter.</summary>
    private static async Task<IResult> HandleAsync(HttpContext http, BotFrameworkAuthenticator authenticator, TeamsAdapter adapter, IOptions<TeamsOptions> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (http.Request.ContentLength > settings.MaxRequestBytes)
        {
            return TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var body = await ReadBoundedAsync(http.Request.Body, settings.MaxRequestBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        AuthenticationResult? authenticated = null;
        if (!settings.IsLocalMode)
        {
            authenticated = await authenticator.AuthenticateAsync(http.Request.Headers.Authorization.ToString(), cancellationToken);
            if (!authenticated.Succeeded)
            {
                return TypedResults.Problem("The request is not authenticated.", statusCode: StatusCodes.Status401Unauthorized);
            }
        }

        Activity? activity;
        try
        {
            activity = JsonSerializer.Deserialize<Activity>(body, Json);
        }
        catch (JsonException e) when (e.InnerException is InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but not text: say so rather than blame the activity's shape.
            return TypedResults.Problem("The activity holds a string that is not valid text (a lone UTF-16 surrogate, half of a character).", statusCode: StatusCodes.Status400BadRequest);
        }
        catch (JsonException)
        {
            return TypedResults.Problem("The body is not a Bot Framework activity.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (activity?.Type is null || activity.Conversation?.Id is null || activity.From?.Id is null || !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out _))
        {
            return TypedResults.Problem("The activity needs type, conversation, from and serviceUrl.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (authenticated is not null && !(await authenticator.AuthorizeActivityAsync(authenticated, activity, cancellationToken)).Succeeded)
        {
            return TypedResults.Problem("The request is not authenticated.", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (authenticated is null && !settings.LocalModeChannels.Contains(activity.ChannelId ?? "", StringComparer.Ordinal))
        {
            return TypedResults.Problem($"Activities from channel '{activity.ChannelId}' are not accepted.", statusCode: StatusCodes.Status403Forbidden);
        }

        return await adapter.ProcessAsync(activity, cancellationToken);
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 3100, Message = "Teams endpoint /api/messages runs WITHOUT authentication: MicrosoftAppId is not set. Use this only with local tools (Microsoft 365 Agents Playground, Bot Framework Emulator).")]
    private static partial void LogLocalMode(ILogger logger, LogLevel level);
}
