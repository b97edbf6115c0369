using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>Tests run on one store (SQLite or PostgreSQL, through a fixture), migrated before the first test.</summary>
public abstract class MigratedStoreTests(ITestStore store) : IAsyncLifetime
{
    protected ITestStore Store => store;

    public virtual async Task InitializeAsync()
    {
        await using var db = store.NewContext();
        await db.Database.MigrateAsync();
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
