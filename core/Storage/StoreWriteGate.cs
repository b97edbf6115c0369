using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Core.Storage;

/// <summary>
/// SQLite has one writer at a time, and a writer that finds the file locked sleeps in SQLite's busy handler (1, 2, 5,
/// 10 ms …) before it looks again: under a steady stream of small writes (a reply queued per question, a send recorded
/// per reply) most of the time goes to sleeping, not writing. The busiest writers take turns here instead, queued
/// in order and woken as soon as the previous one is done. PostgreSQL takes row locks: there the gate lets everyone in.
/// Hold it for one statement or one short transaction, and never take it twice on one path.
/// </summary>
public static class StoreWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for this database's turn to write (at once on PostgreSQL); dispose the result to pass the turn on.</summary>
    public static async ValueTask<Turn> WriteTurnAsync(this ComplianceDbContext db, CancellationToken cancellationToken = default)
    {
        if (!db.Database.IsSqlite())
        {
            return default;
        }

        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    /// <summary>A turn to write; disposing it lets the next writer in.</summary>
    public readonly struct Turn(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
