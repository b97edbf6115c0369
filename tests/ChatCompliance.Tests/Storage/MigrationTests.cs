using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Storage;

public sealed class SqliteMigrationTests : MigrationTests<SqliteTestStore>;

public sealed class PostgresMigrationTests : MigrationTests<PostgresTestStore>;

/// <summary>Migrations apply to an empty database and applying them again changes nothing.</summary>
public abstract class MigrationTests<TStore> : IAsyncLifetime
    where TStore : ITestStore, new()
{
    private readonly TStore _store = new();

    public Task InitializeAsync() => _store.InitializeAsync();

    public Task DisposeAsync() => _store.DisposeAsync();

    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_again_without_change()
    {
        await using (var db = _store.NewContext())
        {
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
            await db.Database.MigrateAsync();
        }

        string[] applied;
        await using (var db = _store.NewContext())
        {
            applied = [.. await db.Database.GetAppliedMigrationsAsync()];
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), applied);
            await db.Database.MigrateAsync();
        }

        await using (var db = _store.NewContext())
        {
            Assert.Equal(applied, await db.Database.GetAppliedMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(), "the model has changes no migration captures: add a migration for both providers");
        }
    }
}
