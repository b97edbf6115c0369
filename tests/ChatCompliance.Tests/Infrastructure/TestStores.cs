using ChatCompliance.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>A store under test: each provider gives fresh contexts on its own database.</summary>
public interface ITestStore : IAsyncLifetime
{
    string Provider { get; }

    ComplianceDbContext NewContext();

    /// <summary>Points an application's settings at this store, for tests that run the whole app on it.</summary>
    void UseIn(IDictionary<string, string?> settings);
}

/// <summary>A SQLite file in a temporary folder, as the application uses by default.</summary>
public sealed class SqliteTestStore : ITestStore
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cc-sqlite-").FullName;

    public string Provider => StoreDescription.Sqlite;

    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "test.db") }.ToString();

    public ComplianceDbContext NewContext() =>
        new SqliteComplianceDbContext(new DbContextOptionsBuilder<SqliteComplianceDbContext>().UseSqlite(ConnectionString).Options);

    /// <summary>The app keeps its own database file in the same temporary folder.</summary>
    public void UseIn(IDictionary<string, string?> settings) => settings["Storage:DataDirectory"] = _folder;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>A fresh database on the real PostgreSQL server.</summary>
public sealed class PostgresTestStore : ITestStore
{
    private readonly TestPostgres _postgres = new();

    public string Provider => StoreDescription.PostgreSql;

    public string ConnectionString => _postgres.ConnectionString;

    public ComplianceDbContext NewContext() =>
        new PostgresComplianceDbContext(new DbContextOptionsBuilder<PostgresComplianceDbContext>().UseNpgsql(ConnectionString).Options);

    public void UseIn(IDictionary<string, string?> settings) => settings["ConnectionStrings:Postgres"] = ConnectionString;

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();
}
