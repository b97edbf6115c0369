namespace ChatCompliance.Integrations.Http;

/// <summary>
/// Marks the platform calls made inside a scope as the outbox dispatcher's: one attempt, no waiting for the
/// client's own rate-limit permits. The dispatcher paces those sends itself and owns their retry schedule
/// (a failure comes back at once, with the platform's <c>Retry-After</c>, instead of being retried inside the call).
/// </summary>
public static class DispatchedCall
{
    private static readonly AsyncLocal<bool> Active = new();

    internal static readonly HttpRequestOptionsKey<bool> Key = new("ChatCompliance.DispatchedCall");

    /// <summary>True inside <see cref="Begin"/>'s scope, on this asynchronous flow.</summary>
    public static bool IsActive => Active.Value;

    /// <summary>Starts the scope; dispose it when the call is done.</summary>
    public static Scope Begin()
    {
        var previous = Active.Value;
        Active.Value = true;
        return new Scope(previous);
    }

    /// <summary>Sets the request's marker when the scope is active, for the outbound pipeline to read.</summary>
    internal static void Mark(HttpRequestMessage request)
    {
        if (Active.Value)
        {
            request.Options.Set(Key, true);
        }
    }

    internal static bool IsMarked(HttpRequestMessage? request) => request is not null && request.Options.TryGetValue(Key, out var marked) && marked;

    /// <summary>Ends the scope, restoring what was there before.</summary>
    public readonly struct Scope(bool previous) : IDisposable
    {
        /// <summary>Restores the flow's previous state.</summary>
        public void Dispose() => Active.Value = previous;
    }
}
