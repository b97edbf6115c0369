using System.Net;
using System.Text;
using ChatCompliance.Integrations.Slack;
using ChatCompliance.Tests.Infrastructure;
using ChatCompliance.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ChatCompliance.Tests.Host;

/// <summary>What the log says: nothing to worry about on a healthy start, and one line per call out.</summary>
[Collection(AppCollection.Name)]
public sealed class QuietLogTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-quiet-").FullName;

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task A_healthy_first_start_logs_no_warnings(string environment)
    {
        using var bot = await BotServer.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = environment,
            ["Storage__DataDirectory"] = _data,
            ["Jobs__WorkerCount"] = "1",
            // A production bot has its Bot Framework registration; without it the start rightly warns.
            ["MicrosoftAppId"] = "00000000-0000-0000-0000-0000000000a1",
            ["MicrosoftAppPassword"] = "test-secret",
            ["MicrosoftAppTenantId"] = "00000000-0000-0000-0000-0000000000b2",
        });
        await Task.Delay(TimeSpan.FromSeconds(3)); // the jobs and the outbox's first rounds run just after the start

        var lines = bot.Output.Split('\n');
        var problems = lines.Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal)).ToList();
        Assert.True(problems.Count == 0, $"{environment}:\n{bot.Output}");
        Assert.Contains(lines, l => l.Contains("Store: sqlite at", StringComparison.Ordinal)); // the log is on, and quiet
    }

    [Fact]
    public async Task One_call_out_is_one_information_line_with_its_outcome_and_duration()
    {
        using var slack = LoopbackWireMock.Start();
        slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"message_ts":"1700000000.000200","channel":"D123","ts":"1700000000.000100","user":{"id":"U1","team_id":"T1","is_bot":false,"deleted":false,"profile":{"email":"nobody@example.com"}}}"""));
        var log = new CapturedLog();
        await using var app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["SLACK_BOT_TOKEN"] = "test-bot-token",
            ["SLACK_SIGNING_SECRET"] = "secret",
            ["Slack:ApiBaseUrl"] = $"{LoopbackWireMock.Url(slack)}/api/",
        }, services => services.AddSingleton<ILoggerProvider>(log));
        using var client = app.CreateClient();
        const string envelope = """{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message","channel_type":"im","channel":"D123","user":"U1","text":"what is cc6.1","ts":"1.2"}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(envelope, Encoding.UTF8, "application/json") };
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers.Add("X-Slack-Request-Timestamp", ts);
        request.Headers.Add("X-Slack-Signature", SlackSignature.Sign("secret", ts, Encoding.UTF8.GetBytes(envelope)));

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!log.Entries.Any(e => e.Message.Contains("chat.postMessage", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await Task.Delay(500);
        var post = Assert.Single(log.Entries, e => e.Level >= LogLevel.Information && e.Message.Contains("chat.postMessage", StringComparison.Ordinal));
        Assert.Matches(@"^Slack chat\.postMessage ok in \d+ ms$", post.Message);
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Information
            && (e.Category.StartsWith("Polly", StringComparison.Ordinal) || e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal)
                || e.Category.StartsWith("Microsoft.Extensions.Http.Resilience", StringComparison.Ordinal)));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}

/// <summary>A first start on an empty PostgreSQL database says nothing alarming either.</summary>
[Collection(AppCollection.Name)]
public sealed class PostgresQuietStartTests : IAsyncLifetime
{
    private readonly TestPostgres _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task A_first_start_on_an_empty_postgres_database_logs_no_error_or_warning()
    {
        var log = new CapturedLog();
        await using var app = new ComplianceApp(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = _postgres.ConnectionString,
            // A production bot has its Bot Framework registration; without it the start rightly warns.
            ["MicrosoftAppId"] = "00000000-0000-0000-0000-0000000000a1",
            ["MicrosoftAppPassword"] = "test-secret",
            ["MicrosoftAppTenantId"] = "00000000-0000-0000-0000-0000000000b2",
        },
            services => services.AddSingleton<ILoggerProvider>(log));
        _ = app.Services; // migrates the empty database
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the jobs and the outbox's first rounds run just after the start

        var problems = log.Problems();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains(log.Entries, e => e.Message.StartsWith("Store: postgresql", StringComparison.OrdinalIgnoreCase));
    }
}
