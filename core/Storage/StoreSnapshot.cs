using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Storage;

/// <summary>Consistent reads for exports and reports.</summary>
public static class StoreSnapshot
{
    /// <summary>Runs the reads in one snapshot (or the caller's transaction), so that everything read (rows, their audit entries, the chain's head) agrees.</summary>
    public static async Task<T> ReadAsync<T>(ComplianceDbContext db, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            return await read(cancellationToken);
        }

        if (db.Database.IsNpgsql())
        {
            await using var snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            return await read(cancellationToken);
        }

        // A deferred SQLite transaction reads one snapshot without taking the write lock from appenders.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
            try
            {
                return await read(cancellationToken);
            }
            finally
            {
                await db.Database.UseTransactionAsync(null, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
