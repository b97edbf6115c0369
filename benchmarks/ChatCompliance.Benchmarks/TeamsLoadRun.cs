using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// End to end on one machine: a load generator posts signed Teams message activities to the real bot
/// process (Release build, SQLite default store, full JWT validation) at a fixed number of connections;
/// the bot answers from the knowledge base and replies to a local fake connector, which also serves the
/// OpenID metadata, signing keys and token endpoint. Reports throughput and latency (request sent to
/// response received: the bot acknowledges once the reply is queued in its outbox), and how long after the load the
/// last reply reached the connector.
/// </summary>
internal static class TeamsLoadRun
{
    private const string AppId = "11111111-2222-3333-4444-555555555555";
    private const string SlackSecret = "load-test-signing-secret";
    private static readonly string[] Endorsements = ["msteams"];
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The generator's own sockets complete inline on their I/O thread instead of through the thread pool, so it
    /// leaves more of the two cores to the bot. Only this process: the bot is started without it.
    /// </summary>
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task RunAsync(int connections, int seconds)
    {
        Environment.SetEnvironmentVariable(InlineCompletions, "1");
        using var rsa = RSA.Create(2048);
        var fakePort = FreePort();
        var botPort = FreePort();
        var fakeUrl = $"http://127.0.0.1:{fakePort}";
        var replies = 0L;
        await using var fake = StartFake(fakePort, rsa);
        // The connector the replies go to: every reply (POST …/conversations/{id}/activities/{id}) is counted.
        await using var connector = new RawHttp.FixedResponseServer("application/json", """{"id":"r"}""", head =>
        {
            if (head.StartsWith("POST /connector/v3/conversations/", StringComparison.Ordinal) && head.Contains("/activities/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref replies);
            }
        });
        var serviceUrl = $"http://127.0.0.1:{connector.Port}/connector/";

        var data = Directory.CreateTempSubdirectory("cc-load-").FullName;
        var bot = StartBot(botPort, data, fakeUrl, serviceUrl);
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{botPort}") };
            await WaitForBotAsync(http);
            var token = Token(rsa, serviceUrl);
            var questions = KnowledgeSets.Questions();

            // Warm-up long enough for tiered compilation to finish promoting the hot path (a server runs for days).
            var warmUp = await LoadAsync(botPort, token, serviceUrl, questions, connections, WarmUp);
            var cpu = CpuMeter.Start(bot);
            var (latencies, errors, elapsed) = await LoadAsync(botPort, token, serviceUrl, questions, connections, TimeSpan.FromSeconds(seconds));
            Console.WriteLine(cpu.Report(latencies.Count, "activity"));
            // Replies leave through the outbox after the activity is acknowledged: wait (bounded) for all of them.
            var answered = warmUp.Latencies.Count + latencies.Count;
            var drain = Stopwatch.StartNew();
            while (Interlocked.Read(ref replies) < answered && drain.Elapsed < DrainLimit)
            {
                await Task.Delay(100);
            }

            var delivered = $"{Interlocked.Read(ref replies)} of {answered} replies (warm-up included) delivered to the connector, the last {drain.Elapsed.TotalSeconds:0.0} s after the load ended";
            latencies.Sort();
            double P(double p) => latencies.Count == 0 ? 0 : latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{connections} connections, {seconds} s: {latencies.Count} activities answered, {latencies.Count / elapsed.TotalSeconds:0} activities/s; " +
                $"p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {latencies[^1]:0.0} ms; {errors} errors; {delivered}"));
            Console.WriteLine(BotLog.Report());
        }
        finally
        {
            bot.Kill(entireProcessTree: true);
            await bot.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Signed <c>/compliance ask …</c> slash commands; the answer is in the acknowledgement, so latency is the ack time.</summary>
    public static async Task RunSlackAsync(int connections, int seconds)
    {
        Environment.SetEnvironmentVariable(InlineCompletions, "1");
        using var rsa = RSA.Create(2048);
        var fakePort = FreePort();
        var botPort = FreePort();
        var fakeUrl = $"http://127.0.0.1:{fakePort}";
        await using var fake = StartFake(fakePort, rsa);
        var data = Directory.CreateTempSubdirectory("cc-load-").FullName;
        var bot = StartBot(botPort, data, fakeUrl);
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{botPort}") };
            await WaitForBotAsync(http);
            var questions = KnowledgeSets.Questions();
            await SlackLoadAsync(botPort, questions, connections, WarmUp);
            var cpu = CpuMeter.Start(bot);
            var (latencies, errors, elapsed) = await SlackLoadAsync(botPort, questions, connections, TimeSpan.FromSeconds(seconds));
            Console.WriteLine(cpu.Report(latencies.Count, "command"));
            latencies.Sort();
            double P(double p) => latencies.Count == 0 ? 0 : latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(p * latencies.Count) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{connections} connections, {seconds} s: {latencies.Count} slash commands answered, {latencies.Count / elapsed.TotalSeconds:0} requests/s; " +
                $"acknowledgement p50 {P(0.50):0.0} ms, p99 {P(0.99):0.0} ms, max {latencies[^1]:0.0} ms; {errors} errors"));
            Console.WriteLine(BotLog.Report());
        }
        finally
        {
            bot.Kill(entireProcessTree: true);
            await bot.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> SlackLoadAsync(int port, string[] questions, int connections, TimeSpan duration) =>
        LoadAsync(port, connections, duration, n =>
        {
            var body = $"token=x&team_id=T1&api_app_id=A1&channel_id=D{n % 5000}&user_id=U{n % 5000}&command=%2Fcompliance&text={Uri.EscapeDataString("ask " + questions[n % questions.Length])}&response_url=x&trigger_id=x";
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            return RawHttp.Post(port, "/slack/commands", "application/x-www-form-urlencoded", body,
                ("X-Slack-Request-Timestamp", timestamp), ("X-Slack-Signature", SlackSign(timestamp, body)));
        });

    private static string SlackSign(string timestamp, string body) =>
        "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SlackSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));

    private static Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> LoadAsync(
        int port, string token, string serviceUrl, string[] questions, int connections, TimeSpan duration) =>
        LoadAsync(port, connections, duration, n =>
        {
            // Written as text, not built as a JSON tree, so the generator spends its CPU on sending, not on building.
            // Many conversations and tenants, so Teams' per-conversation (7/s) and per-tenant (50/s) limits, which the
            // connector client honours by queueing, measure our own capacity rather than theirs.
            var activity = string.Create(CultureInfo.InvariantCulture,
                $$"""{"type":"message","id":"act-{{n}}","channelId":"msteams","serviceUrl":"{{serviceUrl}}","from":{"id":"29:user-{{n % 5000}}","name":"Load","aadObjectId":"aad-{{n % 5000}}"},"recipient":{"id":"28:bot"},"conversation":{"id":"a:conv-{{n % 5000}}","conversationType":"personal","tenantId":"tenant-{{n % 500}}"},"text":{{JsonSerializer.Serialize(questions[n % questions.Length])}}}""");
            return RawHttp.Post(port, "/api/messages", "application/json; charset=utf-8", activity, ("Authorization", $"Bearer {token}"));
        });

    /// <summary>
    /// Sends requests on <paramref name="connections"/> keep-alive connections (raw sockets, see <see cref="RawHttp"/>)
    /// until <paramref name="duration"/> is over; each latency is from the request written to the response read.
    /// </summary>
    private static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> LoadAsync(
        int port, int connections, TimeSpan duration, Func<int, byte[]> build)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var counter = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var (socket, reader) = await RawHttp.ConnectAsync(port);
            using (socket)
            {
                while (clock.Elapsed < duration)
                {
                    var request = build(Interlocked.Increment(ref counter));
                    var start = Stopwatch.GetTimestamp();
                    await socket.SendAsync(request, SocketFlags.None);
                    var status = RawHttp.Status(await reader.ReadAsync());
                    if (status is >= 200 and < 300)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            }
        }));
        return ([.. latencies], errors, clock.Elapsed);
    }

    private static WebApplication StartFake(int port, RSA rsa)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        var app = builder.Build();
        var parameters = rsa.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", kid = "load-key", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent), endorsements = Endorsements } } });
        app.MapGet("/openid", () => Results.Text(JsonSerializer.Serialize(new { issuer = "https://api.botframework.com", jwks_uri = $"http://127.0.0.1:{port}/keys" }), "application/json"));
        app.MapGet("/keys", () => Results.Text(jwks, "application/json"));
        app.MapPost("/{tenant}/oauth2/v2.0/token", () => Results.Text("""{"token_type":"Bearer","expires_in":3600,"access_token":"load"}""", "application/json"));
        app.MapGet("/api/users.info", () => Results.Text("""{"ok":true,"user":{"id":"U0","team_id":"T0","name":"load","is_bot":false,"deleted":false,"profile":{}}}""", "application/json"));
        app.StartAsync().GetAwaiter().GetResult();
        return app;
    }

    /// <summary>The Release bot on <paramref name="port"/>, its store in <paramref name="data"/>, every outside API at the fake.</summary>
    internal static Process StartBot(int port, string data, string fakeUrl, string? serviceUrl = null, string? postgres = null)
    {
        var bot = Path.Combine(KnowledgeSets.RepositoryRoot(), "bot", "bin", "Release", "net10.0", "ChatCompliance.Bot.dll");
        if (!File.Exists(bot))
        {
            throw new FileNotFoundException($"build the bot first: dotnet build -c Release bot ({bot})");
        }

        var start = new ProcessStartInfo("dotnet", [bot, "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(bot)!,
        };
        start.Environment.Remove(InlineCompletions); // the bot runs as deployed (see RunAsync)
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Storage__DataDirectory"] = data;
        // A throwaway audit MAC key for this run's throwaway store (Production needs one).
        start.Environment["Audit__Keys__load"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        start.Environment["Audit__CurrentKeyId"] = "load";
        if ((postgres ?? Environment.GetEnvironmentVariable("CHATCOMPLIANCE_LOAD_POSTGRES")) is { Length: > 0 } database)
        {
            // The production store: an empty database (created by the app's migrations), or one the caller seeded.
            start.Environment["ConnectionStrings__Postgres"] = database;
        }
        start.Environment["MicrosoftAppId"] = AppId;
        start.Environment["MicrosoftAppPassword"] = "load-test-only";
        start.Environment["MicrosoftAppTenantId"] = "tenant-1";
        // The load comes from 500 tenants: a multi-tenant bot that allows them all, explicitly, as Production requires.
        start.Environment["MicrosoftAppType"] = "MultiTenant";
        start.Environment["Teams__AllowAllTenants"] = "true";
        start.Environment["Teams__AllowedServiceUrls__0"] = serviceUrl ?? $"{fakeUrl}/";
        start.Environment["Teams__OpenIdMetadataUrl"] = $"{fakeUrl}/openid";
        start.Environment["Teams__TokenEndpoint"] = $"{fakeUrl}/{{tenant}}/oauth2/v2.0/token";
        start.Environment["SLACK_BOT_TOKEN"] = "load-test-bot-token";
        start.Environment["SLACK_SIGNING_SECRET"] = SlackSecret;
        // A load generator is one very fast asker per conversation: the per-person limits would answer it "please wait".
        start.Environment["RateLimits__QuestionsPerMinute"] = "0";
        start.Environment["RateLimits__HandOffsPerHour"] = "0";
        start.Environment["Slack__TeamId"] = "T1";
        start.Environment["Slack__AppId"] = "A1";
        start.Environment["Slack__ApiBaseUrl"] = $"{fakeUrl}/api/";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => BotLog.Read(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"bot: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitForBotAsync(HttpClient http, int seconds = 60)
    {
        for (var i = 0; i < seconds * 2; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"the bot did not start in {seconds} s");
    }

    private static string Token(RSA rsa, string serviceUrl) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://api.botframework.com",
        Audience = AppId,
        Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl)]),
        Expires = DateTime.UtcNow.AddHours(1),
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = "load-key" }, SecurityAlgorithms.RsaSha256),
    });

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Processor time spent per request by the bot and by this process (load generator and fakes): unlike
/// requests per second, it hardly depends on what else the machine is doing, and on 2 cores it bounds the
/// throughput at 2 s of CPU per second divided by the sum.
/// </summary>
internal sealed class CpuMeter
{
    private readonly Process _bot;
    private readonly TimeSpan _botStart;
    private readonly TimeSpan _selfStart;

    private CpuMeter(Process bot)
    {
        _bot = bot;
        bot.Refresh();
        _botStart = bot.TotalProcessorTime;
        _selfStart = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public static CpuMeter Start(Process bot) => new(bot);

    public string Report(int requests, string unit)
    {
        _bot.Refresh();
        var bot = (_bot.TotalProcessorTime - _botStart).TotalMicroseconds / Math.Max(1, requests);
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _selfStart).TotalMicroseconds / Math.Max(1, requests);
        return string.Create(CultureInfo.InvariantCulture,
            $"CPU per {unit}: bot {bot:0} µs, load generator and fakes {self:0} µs; ceiling on {Environment.ProcessorCount} cores {Environment.ProcessorCount * 1_000_000 / (bot + self):0}/s");
    }
}
