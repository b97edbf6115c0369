using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// The outbox under a burst: <c>count</c> reminders, each to its own Teams conversation in one tenant, are committed
/// to the real bot process's store in one transaction; its dispatcher sends them to a fake connector (Kestrel on
/// 127.0.0.1) that admits 50 messages in any second, as Teams does per app and tenant, and answers 429 with
/// <c>Retry-After: 1</c> beyond that. The floor is count / 50 seconds; the fake counts every reminder by its number,
/// so lost and duplicated messages show.
/// </summary>
internal static partial class OutboxLoadRun
{
    private const int AdmittedPerSecond = 50;

    public static async Task RunAsync(int count)
    {
        if (Environment.GetEnvironmentVariable("CHATCOMPLIANCE_LOAD_POSTGRES") is { Length: > 0 })
        {
            throw new InvalidOperationException("outbox-load queues into the SQLite default store: unset CHATCOMPLIANCE_LOAD_POSTGRES.");
        }

        var fakePort = TeamsLoadRun.FreePort();
        var fakeUrl = $"http://127.0.0.1:{fakePort}";
        var received = new ConcurrentDictionary<int, int>();
        var throttled = 0L;
        var admitted = new Queue<long>();
        await using var fake = StartFake(fakePort, received, admitted, () => Interlocked.Increment(ref throttled));

        var data = Directory.CreateTempSubdirectory("cc-outbox-load-").FullName;
        var bot = TeamsLoadRun.StartBot(TeamsLoadRun.FreePort(), data, fakeUrl);
        try
        {
            var store = new DbContextOptionsBuilder<SqliteComplianceDbContext>()
                .UseSqlite($"Data Source={Path.Combine(data, "chatcompliance.db")};Default Timeout=60").Options;
            await WaitForStoreAsync(store);

            Console.WriteLine($"queueing {count} reminders in one transaction…");
            await using (var db = new SqliteComplianceDbContext(store))
            {
                // Only added entities: without it every enqueue's look at the tracked rows would scan them all for changes.
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                var now = DateTimeOffset.UtcNow;
                var conversations = Enumerable.Range(0, count).Select(i => new ConversationReference
                {
                    Platform = Platform.Teams,
                    Scope = ConversationScope.Personal,
                    ConversationId = $"a:load-{i}",
                    ServiceUrl = $"{fakeUrl}/connector/",
                    TenantId = "tenant-1",
                    UpdatedAt = now,
                }).ToList();
                db.ConversationReferences.AddRange(conversations);
                for (var i = 0; i < count; i++)
                {
                    var card = new Card(new CardHeader("Reminder"), [new TextElement($"reminder #{i}#: your evidence is due soon")], $"reminder #{i}#");
                    await db.EnqueueAsync($"load:{i}", "reminder", card, conversations[i], now);
                }

                await db.SaveChangesAsync();
            }

            var clock = Stopwatch.StartNew();
            var deadline = TimeSpan.FromSeconds(count / (double)AdmittedPerSecond * 1.5 + 60);
            var lastNew = TimeSpan.Zero;
            var seen = 0;
            while (received.Count < count && clock.Elapsed < deadline)
            {
                await Task.Delay(100);
                if (received.Count != seen)
                {
                    seen = received.Count;
                    lastNew = clock.Elapsed;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(3)); // late duplicates, if any, would arrive now
            var floor = count / (double)AdmittedPerSecond;
            var duplicates = received.Values.Sum(v => v - 1);
            int unsent;
            await using (var db = new SqliteComplianceDbContext(store))
            {
                unsent = await db.Outbox.CountAsync(o => o.SentAt == null);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{count} reminders: {received.Count} delivered in {lastNew.TotalSeconds:0.0} s (floor {floor:0.0} s, {lastNew.TotalSeconds / floor:0.000} of it; " +
                $"{received.Count / lastNew.TotalSeconds:0.0}/s); lost {count - received.Count}, duplicated {duplicates}, 429s answered {Interlocked.Read(ref throttled)}, " +
                $"rows not marked sent {unsent}; {(received.Count == count && duplicates == 0 && lastNew.TotalSeconds <= floor * 1.1 ? "PASS" : "FAIL")} (within 10% of the floor, none lost or duplicated)"));
        }
        finally
        {
            bot.Kill(entireProcessTree: true);
            await bot.WaitForExitAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task WaitForStoreAsync(DbContextOptions<SqliteComplianceDbContext> store)
    {
        for (var i = 0; i < 240; i++)
        {
            try
            {
                await using var db = new SqliteComplianceDbContext(store);
                if (!(await db.Database.GetPendingMigrationsAsync()).Any() && await db.Outbox.CountAsync() >= 0)
                {
                    return;
                }
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("the bot did not create its store in 120 s");
    }

    /// <summary>Token endpoint and connector; 50 admitted in any second (by arrival), 429 with Retry-After: 1 beyond.</summary>
    private static WebApplication StartFake(int port, ConcurrentDictionary<int, int> received, Queue<long> admitted, Action onThrottled)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/{tenant}/oauth2/v2.0/token", () => Results.Text("""{"token_type":"Bearer","expires_in":3600,"access_token":"load"}""", "application/json"));
        app.MapPost("/connector/v3/conversations/{conversation}/activities", async (HttpRequest request, HttpResponse response) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var now = Stopwatch.GetTimestamp();
            lock (admitted)
            {
                while (admitted.Count > 0 && Stopwatch.GetElapsedTime(admitted.Peek(), now) >= TimeSpan.FromSeconds(1))
                {
                    admitted.Dequeue();
                }

                if (admitted.Count >= AdmittedPerSecond)
                {
                    onThrottled();
                    response.StatusCode = 429;
                    response.Headers.RetryAfter = "1";
                    return Results.Empty;
                }

                admitted.Enqueue(now);
            }

            if (Reminder().Match(body) is { Success: true } match)
            {
                received.AddOrUpdate(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            }

            return Results.Text($$"""{"id":"{{Guid.NewGuid():N}}"}""", "application/json");
        });
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }

    [GeneratedRegex(@"reminder #(\d+)#")]
    private static partial Regex Reminder();
}
