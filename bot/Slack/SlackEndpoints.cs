using System.Text.Json;
using ChatCompliance.Integrations.Slack;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Slack;

/// <summary>
/// Slack's three request URLs. Each checks, in order: size (413), the v0 signature over the raw body (401),
/// then parses (400). An event or a button is acknowledged once its decision (and the reply, in the outbox) is stored:
/// that takes milliseconds, well inside Slack's 3 seconds, and nothing Slack was told it delivered can be lost with the
/// instance. A decision that fails is answered 503, so Slack delivers the event again (and its reply key keeps the
/// reply single wherever that lands).
/// </summary>
internal static partial class SlackEndpoints
{
    private const int MaxRequestBytes = 64 * 1024;

    public static IHostApplicationBuilder AddSlackChannel(this IHostApplicationBuilder builder)
    {
        builder.AddSlack();
        builder.Services.AddSingleton<SlackEventIds>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(options.SigningSecret) && (string.IsNullOrWhiteSpace(options.TeamId) || string.IsNullOrWhiteSpace(options.AppId)))
        {
            LogOriginUnchecked(endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SlackEndpoints)));
        }

        endpoints.MapPost("/slack/events", EventsAsync);
        endpoints.MapPost("/slack/commands", CommandsAsync);
        endpoints.MapPost("/slack/interactivity", InteractivityAsync);
        return endpoints;
    }

    private static async Task<IResult> EventsAsync(HttpContext http, SlackEventIds seen, SlackAdapter adapter, IOptions<SlackOptions> options, TimeProvider time,
        IHostApplicationLifetime lifetime, ILogger<SlackAdapter> logger, CancellationToken cancellationToken)
    {
        var (body, refusal) = await VerifiedBodyAsync(http, options.Value, time, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!SlackInbound.TryReadEnvelope(body, out var envelope, out var problem))
        {
            return BadPayload(problem);
        }

        if (envelope.Type == "url_verification")
        {
            // Sent once when the request URL is saved, before the app is installed anywhere: it names no workspace.
            return TypedResults.Ok(new { challenge = envelope.Challenge });
        }

        if (Foreign(envelope.Origin, options.Value) is { } foreign)
        {
            return foreign;
        }

        // Slack retries what it thinks was not acknowledged: each event id is handled once here (and its reply is
        // keyed by the id, so a retry that reaches another instance is not answered twice either).
        if (envelope.IsCallback && seen.TryClaim(envelope.EventId!))
        {
            try
            {
                // Decided even if Slack hangs up first: the reply is stored and sent; only stopping the app stops it.
                await adapter.OnEventAsync(envelope.Origin, envelope.EventId!, envelope.Event!, lifetime.ApplicationStopping);
            }
            catch (Exception e)
            {
                seen.Release(envelope.EventId!);
                LogNotDecided(logger, "event", e);
                return Retry();
            }
        }

        return TypedResults.Ok();
    }

    private static async Task<IResult> CommandsAsync(HttpContext http, SlackAdapter adapter, IOptions<SlackOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, refusal) = await VerifiedBodyAsync(http, options.Value, time, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!SlackInbound.TryReadCommand(body, out var command, out var problem))
        {
            return BadPayload(problem);
        }

        if (Foreign(command.Origin, options.Value) is { } foreign)
        {
            return foreign;
        }

        // Answering from the knowledge base takes well under a millisecond: the answer is the acknowledgement.
        var message = await adapter.OnCommandAsync(command, cancellationToken);
        // Serialized at once rather than streamed: a sized response that Kestrel sends in one write.
        return TypedResults.Bytes(JsonSerializer.SerializeToUtf8Bytes(new { response_type = "ephemeral", text = message.Text, blocks = message.Blocks }), "application/json; charset=utf-8");
    }

    private static async Task<IResult> InteractivityAsync(HttpContext http, SlackAdapter adapter, IOptions<SlackOptions> options, TimeProvider time,
        IHostApplicationLifetime lifetime, ILogger<SlackAdapter> logger, CancellationToken cancellationToken)
    {
        var (body, refusal) = await VerifiedBodyAsync(http, options.Value, time, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!SlackInbound.TryReadInteraction(body, out var interaction, out var problem))
        {
            return BadPayload(problem);
        }

        if (Foreign(interaction.Origin, options.Value) is { } foreign)
        {
            return foreign;
        }

        switch (interaction)
        {
            case SlackBlockActions click:
                try
                {
                    await adapter.OnBlockActionAsync(click, lifetime.ApplicationStopping);
                    return TypedResults.Ok();
                }
                catch (Exception e)
                {
                    // Slack shows the person that the click failed; nothing changed, so clicking again is safe.
                    LogNotDecided(logger, "button", e);
                    return Retry();
                }
            case SlackViewSubmission submission:
                // Field errors must come back in this response; the rest is quick (one answer, one post).
                var errors = await adapter.OnViewSubmissionAsync(submission, cancellationToken);
                return errors is null ? TypedResults.Ok() : TypedResults.Json(errors);
            default:
                return TypedResults.Ok();
        }
    }

    private static ProblemHttpResult Retry() =>
        TypedResults.Problem("The request could not be handled just now; nothing was changed. Try again.", statusCode: StatusCodes.Status503ServiceUnavailable);

    [LoggerMessage(EventId = 3300, Level = LogLevel.Error, Message = "A Slack {What} could not be decided; Slack was asked to try again")]
    private static partial void LogNotDecided(ILogger logger, string what, Exception exception);

    private static ProblemHttpResult BadPayload(string problem) =>
        TypedResults.Problem(problem, title: "The Slack request could not be read.", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>A signed request from another workspace or app (a leaked secret, a second install) is refused: 403, nothing stored.</summary>
    private static ProblemHttpResult? Foreign(SlackOrigin origin, SlackOptions options) =>
        !string.IsNullOrWhiteSpace(options.TeamId) && !string.Equals(origin.TeamId, options.TeamId, StringComparison.Ordinal)
            ? TypedResults.Problem("The request comes from another Slack workspace.", statusCode: StatusCodes.Status403Forbidden)
        : !string.IsNullOrWhiteSpace(options.AppId) && !string.Equals(origin.AppId, options.AppId, StringComparison.Ordinal)
            ? TypedResults.Problem("The request is for another Slack app.", statusCode: StatusCodes.Status403Forbidden)
        : null;

    [LoggerMessage(EventId = 3250, Level = LogLevel.Warning, Message = "Slack: Slack:TeamId and/or Slack:AppId are not set, so signed requests from ANY workspace or app are accepted. Set both (required in Production).")]
    private static partial void LogOriginUnchecked(ILogger logger);

    private static async Task<(byte[] Body, IResult? Refusal)> VerifiedBodyAsync(HttpContext http, SlackOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > MaxRequestBytes)
        {
            return ([], TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxRequestBytes)
            {
                return ([], TypedResults.Problem("The request body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge));
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        var result = SlackSignature.Verify(options.SigningSecret ?? "", http.Request.Headers["X-Slack-Request-Timestamp"], http.Request.Headers["X-Slack-Signature"], body, time.GetUtcNow());
        return result == SlackSignatureResult.Valid
            ? (body, null)
            : ([], TypedResults.Problem("The request signature is not valid.", statusCode: StatusCodes.Status401Unauthorized));
    }
}
