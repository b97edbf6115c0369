using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Core.Storage;

/// <summary>Creates and migrates the store at start; any failure becomes one clear <see cref="StorageStartupException"/>.</summary>
public static class StoreMigrator
{
    /// <summary>Applies pending migrations; running it again on a migrated store changes nothing.</summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var store = services.GetRequiredService<StoreDescription>();
        if (!store.IsPostgres)
        {
            EnsureWritableFolder(store);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        try
        {
            if (store.IsPostgres)
            {
                await CreateHistoryTableAsync(db, cancellationToken);
            }

            await db.Database.MigrateAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            var reason = (e.InnerException ?? e).Message;
            throw new StorageStartupException($"Cannot open the {store.Provider} store at {store.Location} (setting {store.Setting}): {reason}", e);
        }
    }

    /// <summary>
    /// On an empty PostgreSQL database EF Core reads the migrations history table before creating it and logs the
    /// failed read as an error (dotnet/efcore#37328): an operator's first start would begin with a red line. Creating the
    /// table first (<c>CREATE TABLE IF NOT EXISTS</c>, EF Core's own script) makes that read find it. Should two instances
    /// race on it, the migration itself still creates the table under its lock.
    /// </summary>
    private static async Task CreateHistoryTableAsync(ComplianceDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
        }
        catch (DbException)
        {
            // Not needed for the migration: it creates the table itself.
        }
    }

    private static void EnsureWritableFolder(StoreDescription store)
    {
        var folder = Path.GetDirectoryName(store.Location)!;
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageStartupException($"The data folder {folder} is not writable (setting {store.Setting}): {e.Message}", e);
        }
    }
}
