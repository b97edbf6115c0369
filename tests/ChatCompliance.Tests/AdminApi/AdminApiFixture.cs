using System.Net.Http.Headers;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.AdminApi;

/// <summary>One app for a test class, with clients holding an admin key, a lead key and no key.</summary>
public abstract class AdminApiFixture : IAsyncLifetime
{
    public ComplianceApp App { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public HttpClient Lead { get; private set; } = null!;

    public HttpClient Anonymous { get; private set; } = null!;

    protected abstract Task<Dictionary<string, string?>> SettingsAsync();

    public virtual async Task InitializeAsync()
    {
        App = new ComplianceApp(await SettingsAsync());
        Anonymous = App.CreateClient();
        Admin = await ClientAsync(ApiKeyRole.Admin);
        Lead = await ClientAsync(ApiKeyRole.ComplianceLead);
    }

    public virtual async Task DisposeAsync()
    {
        await App.DisposeAsync();
    }

    /// <summary>A key made the way <c>apikey create</c> makes one.</summary>
    public async Task<CreatedApiKey> KeyAsync(ApiKeyRole role, string name = "test")
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(name, role, "test", new ChatCompliance.Core.Tasks.TaskActor(null, ChatCompliance.Core.Domain.Platform.Cli, "test"));
    }

    public async Task<HttpClient> ClientAsync(ApiKeyRole role) => WithToken((await KeyAsync(role)).Token);

    public HttpClient WithToken(string token)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A context on the app's own store, to arrange and check data.</summary>
    public async Task<T> DbAsync<T>(Func<ComplianceDbContext, Task<T>> work)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>());
    }
}

public sealed class SqliteAdminApiFixture : AdminApiFixture
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-api-").FullName;

    protected override Task<Dictionary<string, string?>> SettingsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data });

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}

public sealed class PostgresAdminApiFixture : AdminApiFixture
{
    private readonly TestPostgres _postgres = new();

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        await _postgres.InitializeAsync();
        return new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = _postgres.ConnectionString };
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}

/// <summary>The app on SQLite with the fake Entra tenant configured, so both JWTs and API keys are accepted.</summary>
public sealed class EntraAdminApiFixture : AdminApiFixture
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-api-jwt-").FullName;

    public EntraFakes Entra { get; } = new();

    protected override Task<Dictionary<string, string?>> SettingsAsync()
    {
        var settings = Entra.Settings();
        settings["Storage:DataDirectory"] = _data;
        return Task.FromResult(settings);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Entra.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
