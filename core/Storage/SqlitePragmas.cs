using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatCompliance.Core.Storage;

/// <summary>
/// Sets each SQLite connection up for a chat server: write-ahead logging (readers never wait for the
/// writer), <c>synchronous=NORMAL</c> (durable across application crashes; in WAL mode only a power loss
/// can lose the last commits, never corrupt the file) and a busy timeout instead of immediate lock errors.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
