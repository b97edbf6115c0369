using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatCompliance.Core.Storage;

/// <summary>
/// Sets each SQLite connection up for a chat server: write-ahead logging (readers never wait for the
/// writer), <c>synchronous=NORMAL</c> (durable across application crashes; in WAL mode only a power loss
/// can lose the last commits, never corrupt the file) and a busy timeout instead of immediate lock errors.
/// Connections are pooled, so the settings are applied once per underlying SQLite connection, not per open.
/// One instance serves the application: EF Core keys its internal services on the interceptor instances,
/// and a new instance per context would rebuild them (and recompile every query) for each request.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";

    private readonly ConditionalWeakTable<object, object> _prepared = [];

    private SqlitePragmas()
    {
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (FirstOpen(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (FirstOpen(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>True the first time this native connection (kept in the pool across opens) is seen.</summary>
    private bool FirstOpen(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _prepared.TryAdd(handle, handle);
}
