using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatCompliance.Core.Storage;

/// <summary>Registers the store: SQLite by default, PostgreSQL when a connection string is given.</summary>
public static class StorageExtensions
{
    /// <summary>Adds the <see cref="ComplianceDbContext"/> for the configured provider and its health check.</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        var store = Describe(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(store);

        // Pooled contexts: options are built once and a request reuses a reset context instead of building one.
        if (store.IsPostgres)
        {
            builder.Services.AddDbContextPool<ComplianceDbContext, PostgresComplianceDbContext>(
                o => o.UseNpgsql(store.ConnectionString).AddInterceptors(StoredInputGuard.Instance));
        }
        else
        {
            builder.Services.AddDbContextPool<ComplianceDbContext, SqliteComplianceDbContext>(
                o => o.UseSqlite(store.ConnectionString).AddInterceptors(SqlitePragmas.Instance, StoredInputGuard.Instance)
                    // SQLite rebuilds a table with foreign keys off, outside the migration's transaction, as it must: expected, not a warning.
                    .ConfigureWarnings(w => w.Log((RelationalEventId.NonTransactionalMigrationOperationWarning, LogLevel.Debug))));
        }

        builder.Services.AddScoped<Chat.ConversationDirectory>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        return builder;
    }

    /// <summary>Works out the store from configuration without touching it.</summary>
    public static StoreDescription Describe(IConfiguration configuration, string contentRoot)
    {
        var postgres = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            NpgsqlConnectionStringBuilder parsed;
            try
            {
                parsed = new NpgsqlConnectionStringBuilder(postgres);
            }
            catch (ArgumentException e)
            {
                throw new StorageStartupException($"{StoreDescription.PostgresSetting} is not a valid PostgreSQL connection string: {e.Message}", e);
            }

            return new StoreDescription(StoreDescription.PostgreSql, $"{parsed.Host}:{parsed.Port}/{parsed.Database}", postgres, StoreDescription.PostgresSetting);
        }

        var options = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var folder = Path.GetFullPath(Path.Combine(contentRoot, options.DataDirectory));
        var file = Path.Combine(folder, options.SqliteFileName);
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();
        return new StoreDescription(StoreDescription.Sqlite, file, connection, $"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}");
    }
}
