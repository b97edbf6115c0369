using System.Net;
using System.Text.Json;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Host;

[Collection(AppCollection.Name)]
public sealed class SqliteBootTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-boot-").FullName;

    [Fact]
    public async Task App_boots_on_the_SQLite_default_and_reports_healthy()
    {
        await using var app = ComplianceApp.OnSqlite(_data);
        var health = await BootChecks.WaitForHealthyAsync(app);

        Assert.Equal("sqlite", health.GetProperty("checks").GetProperty("store").GetProperty("data").GetProperty("provider").GetString());
        Assert.Equal("in-memory", health.GetProperty("checks").GetProperty("jobs").GetProperty("data").GetProperty("storage").GetString());
        Assert.True(File.Exists(Path.Combine(_data, "chatcompliance.db")));
    }

    [Fact]
    public async Task Starting_twice_on_the_same_SQLite_file_keeps_its_data()
    {
        await BootChecks.StartTwiceKeepsDataAsync(() => ComplianceApp.OnSqlite(_data));
    }

    [Fact]
    public async Task Dashboard_opens_for_a_compliance_lead_and_not_for_anyone_else()
    {
        await using var app = ComplianceApp.OnSqlite(_data);
        using var anonymous = app.CreateClient();
        await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative)); // the store is ready
        string lead;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            lead = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("ops", ApiKeyRole.ComplianceLead, "test", new ChatCompliance.Core.Tasks.TaskActor(null, ChatCompliance.Core.Domain.Platform.Cli, "test"))).Token;
        }

        using var withKey = app.CreateClient();
        withKey.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", lead);
        using var withBadKey = app.CreateClient();
        withBadKey.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", lead[..^4] + "AAAA");

        Assert.Equal(HttpStatusCode.OK, (await withKey.GetAsync(new Uri("/hangfire", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withBadKey.GetAsync(new Uri("/hangfire", UriKind.Relative))).StatusCode);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}

[Collection(AppCollection.Name)]
public sealed class PostgresBootTests : IAsyncLifetime
{
    private readonly TestPostgres _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task App_boots_on_PostgreSQL_and_reports_healthy()
    {
        await using var app = ComplianceApp.OnPostgres(_postgres.ConnectionString);
        var health = await BootChecks.WaitForHealthyAsync(app);

        Assert.Equal("postgresql", health.GetProperty("checks").GetProperty("store").GetProperty("data").GetProperty("provider").GetString());
        Assert.Equal("postgresql", health.GetProperty("checks").GetProperty("jobs").GetProperty("data").GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Starting_twice_on_the_same_PostgreSQL_database_keeps_its_data()
    {
        await BootChecks.StartTwiceKeepsDataAsync(() => ComplianceApp.OnPostgres(_postgres.ConnectionString));
    }
}

internal static class BootChecks
{
    /// <summary>Polls <c>/healthz</c>, as an admin (who sees the details), until it is Healthy (the job server registers a moment after start).</summary>
    public static async Task<JsonElement> WaitForHealthyAsync(ComplianceApp app)
    {
        using var client = app.CreateClient();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var admin = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync($"health-{Guid.NewGuid():N}"[..20], ApiKeyRole.Admin, "test", new ChatCompliance.Core.Tasks.TaskActor(null, ChatCompliance.Core.Domain.Platform.Cli, "test"))).Token;
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            if (response.StatusCode == HttpStatusCode.OK && body.GetProperty("status").GetString() == "Healthy")
            {
                Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"/healthz did not become healthy: {(int)response.StatusCode} {body}");
            await Task.Delay(200);
        }
    }

    public static async Task StartTwiceKeepsDataAsync(Func<ComplianceApp> start)
    {
        var email = $"keep-{Guid.NewGuid():N}@example.com";
        await using (var first = start())
        {
            await WaitForHealthyAsync(first);
            await using var scope = first.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.People.Add(new Person { Email = email, DisplayName = "Kept", CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await using (var second = start())
        {
            await WaitForHealthyAsync(second);
            await using var scope = second.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            Assert.Equal(1, await db.People.CountAsync(p => p.Email == email));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }
    }
}

/// <summary>Tests that boot the whole app run one at a time: Hangfire keeps some global state.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppCollection
{
    public const string Name = "app";
}
