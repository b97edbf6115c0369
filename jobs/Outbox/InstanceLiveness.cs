using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>
/// Whether the instance behind a claim still runs, told apart from one that is merely slow. On PostgreSQL each
/// instance holds a session advisory lock named after it for as long as its dispatcher runs: the server frees it the
/// moment the process dies (its sessions close), however late the process's heartbeat was, and no pause of a live
/// process frees it. On SQLite one process owns the database file, so a claim by any other name is a dead one's.
/// </summary>
internal sealed partial class InstanceLiveness(string instance, ILogger logger) : IAsyncDisposable, IDisposable
{
    private NpgsqlConnection? _held;

    /// <summary>Takes this instance's lock (PostgreSQL), or takes it again if the session holding it was lost.</summary>
    public async Task HoldAsync(ComplianceDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql() || _held is { State: System.Data.ConnectionState.Open })
        {
            return;
        }

        if (_held is not null)
        {
            LogLockLost(logger, instance);
            await _held.DisposeAsync();
            _held = null;
        }

        // Its own session, outside the pool: a pooled connection would be reset (and the lock dropped) or reused.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false, ApplicationName = null }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection) { Parameters = { new() { Value = Key(instance) } } };
            await command.ExecuteNonQueryAsync(cancellationToken);
            _held = connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>True while <paramref name="owner"/> (an instance name) runs; false once it has died.</summary>
    public async Task<bool> IsAliveAsync(ComplianceDbContext db, string owner, CancellationToken cancellationToken)
    {
        if (owner == instance)
        {
            return true;
        }

        if (!db.Database.IsNpgsql())
        {
            return false;
        }

        // A transaction-level try: taken (and released at once) only when no live session holds the owner's lock.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var key = Key(owner);
        var free = await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({key}) AS \"Value\"").SingleAsync(cancellationToken);
        await transaction.RollbackAsync(cancellationToken);
        return !free;
    }

    /// <summary>The instance that made a claim (claims are "{instance}:{token}", see <see cref="OutboxDispatcher.ClaimPrefix"/>).</summary>
    public static string OwnerOf(string claim) => claim.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? claim[..colon] : claim;

    private static long Key(string name) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("chatcompliance-outbox-instance:" + name)));

    public async ValueTask DisposeAsync()
    {
        if (_held is not null)
        {
            await _held.DisposeAsync(); // closing the session frees the lock
            _held = null;
        }
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }

    [LoggerMessage(EventId = 2114, Level = LogLevel.Warning, Message = "The session holding instance {Instance}'s outbox lock was lost; taking the lock again")]
    private static partial void LogLockLost(ILogger logger, string instance);
}
