using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ChatCompliance.Integrations.Http;

/// <summary>How an outbound API is retried: attempts, backoff bounds and the timeout of one attempt.</summary>
internal sealed record OutboundRetry(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay, TimeSpan AttemptTimeout);

/// <summary>
/// The one resilience pipeline of every chat platform's outbound client: retries in one place (Retry-After
/// honoured, otherwise exponential backoff with jitter), then each attempt waits for its rate-limit permit
/// (queueing, never refusing until the queue is full), then gets its own timeout.
/// </summary>
/// <summary>What differs between the platforms' outbound clients; the pipeline around it is the same.</summary>
/// <param name="Retry">Attempts and delays.</param>
/// <param name="IsTransient">Which responses are worth another attempt.</param>
/// <param name="IsTransientException">Which of the client's own exceptions are; network errors and attempt timeouts always are.</param>
/// <param name="OnRetry">Logs a retry: the request, the outcome (status or exception), the next attempt and the delay in ms.</param>
/// <param name="Acquire">Waits for the request's rate-limit permit.</param>
internal sealed record OutboundPolicy(
    OutboundRetry Retry,
    Func<HttpResponseMessage, bool> IsTransient,
    Func<Exception, bool> IsTransientException,
    Action<HttpRequestMessage?, string, int, long> OnRetry,
    Func<HttpRequestMessage, CancellationToken, ValueTask<RateLimitLease>> Acquire);

internal static class OutboundPipeline
{
    private static readonly RateLimiter NoLimit = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = int.MaxValue, QueueLimit = 0 });

    /// <summary>
    /// Adds the pipeline to <paramref name="client"/> and then its token handler, so the pipeline wraps the handler and
    /// every attempt asks for the current token; drops the factory's per-request log lines, since each client logs its
    /// calls' outcomes itself and those lines would cost more than the call.
    /// </summary>
    public static IHttpClientBuilder AddOutboundPipeline<TTokenHandler>(
        this IHttpClientBuilder client, string name, Func<IServiceProvider, OutboundPolicy> policy)
        where TTokenHandler : DelegatingHandler
    {
        client.AddResilienceHandler(name, (pipeline, context) => Configure(pipeline, policy(context.ServiceProvider)));
        client.AddHttpMessageHandler<TTokenHandler>();
        client.RemoveAllLoggers();
        return client;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, OutboundPolicy policy)
    {
        var (retry, isTransient, isTransientException, onRetry, acquire) = policy;
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = retry.MaxAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = retry.BaseDelay,
            MaxDelay = retry.MaxDelay,
            ShouldRetryAfterHeader = true,
            // The outbox dispatcher's sends get one attempt: it owns their retry schedule.
            ShouldHandle = args => ValueTask.FromResult(!DispatchedCall.IsMarked(args.Context.GetRequestMessage()) && args.Outcome switch
            {
                { Result: { } response } => isTransient(response),
                { Exception: HttpRequestException or TimeoutRejectedException } => true,
                { Exception: { } e } => isTransientException(e),
                _ => false,
            }),
            OnRetry = args =>
            {
                var outcome = args.Outcome.Result is { } response
                    ? ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                    : args.Outcome.Exception?.GetType().Name ?? "failed";
                onRetry(args.Context.GetRequestMessage(), outcome, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                return ValueTask.CompletedTask;
            },
        });

        pipeline.AddRateLimiter(new RateLimiterStrategyOptions
        {
            // The outbox dispatcher paces its own sends (per conversation and tenant, to the published limits exactly).
            RateLimiter = args => DispatchedCall.IsMarked(args.Context.GetRequestMessage())
                ? ValueTask.FromResult(NoLimit.AttemptAcquire())
                : acquire(
                    args.Context.GetRequestMessage() ?? throw new InvalidOperationException("The resilience context carries no request."),
                    args.Context.CancellationToken),
        });

        pipeline.AddTimeout(retry.AttemptTimeout);
    }

    /// <summary>The <c>Retry-After</c> header as a delay (seconds or a date), when there is one.</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };
}
