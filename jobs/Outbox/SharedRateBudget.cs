using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>
/// A send rate shared by every instance through PostgreSQL: a Teams conversation's or tenant's, a Slack channel's or
/// workspace's (per Web API method: <c>slack|chat.postMessage|channel|C…</c>). One row per key holds the earliest start
/// of the next send, on the database's clock, and each send takes the next slot in one atomic statement (a generic cell
/// rate: sends spaced evenly at the limit). N instances together keep to the rate one instance would; a 429 seen by one
/// holds them all. SQLite has one process, which the in-memory pacer serves.
/// </summary>
internal static class SharedRateBudget
{
    /// <summary>
    /// Takes the next slot of <paramref name="key"/> if it starts within <paramref name="ahead"/>, and returns how long
    /// to wait for it; otherwise takes nothing and returns (as <c>Free</c>) how long until it would be free.
    /// </summary>
    public static async Task<(TimeSpan? Wait, TimeSpan Free)> TakeAsync(ComplianceDbContext db, string key, TimeSpan interval, TimeSpan ahead, CancellationToken cancellationToken)
    {
        var taken = await ScalarAsync(db, """
            INSERT INTO "RateBudgets" ("Key", "NextAt") VALUES (@key, clock_timestamp() + @interval)
            ON CONFLICT ("Key") DO UPDATE SET "NextAt" = GREATEST("RateBudgets"."NextAt", clock_timestamp()) + @interval
                WHERE "RateBudgets"."NextAt" <= clock_timestamp() + @ahead
            RETURNING EXTRACT(EPOCH FROM ("NextAt" - @interval - clock_timestamp()))::float8
            """, cancellationToken, ("key", key), ("interval", interval), ("ahead", ahead));
        if (taken is { } wait)
        {
            return (Seconds(wait), TimeSpan.Zero);
        }

        return (null, await FreeInAsync(db, key, cancellationToken));
    }

    /// <summary>How long until <paramref name="key"/>'s next slot is free (zero when it is now), taking nothing.</summary>
    public static async Task<TimeSpan> FreeInAsync(ComplianceDbContext db, string key, CancellationToken cancellationToken) =>
        Seconds(await ScalarAsync(db, """
            SELECT EXTRACT(EPOCH FROM ("NextAt" - clock_timestamp()))::float8 FROM "RateBudgets" WHERE "Key" = @key
            """, cancellationToken, ("key", key)) ?? 0);

    /// <summary>No send to <paramref name="key"/> starts before <paramref name="pause"/> from now, on any instance (the platform said 429).</summary>
    public static async Task HoldAsync(ComplianceDbContext db, string key, TimeSpan pause, CancellationToken cancellationToken) =>
        await ScalarAsync(db, """
            INSERT INTO "RateBudgets" ("Key", "NextAt") VALUES (@key, clock_timestamp() + @pause)
            ON CONFLICT ("Key") DO UPDATE SET "NextAt" = GREATEST("RateBudgets"."NextAt", clock_timestamp() + @pause)
            """, cancellationToken, ("key", key), ("pause", pause));

    private static TimeSpan Seconds(double seconds) => seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;

    private static async Task<double?> ScalarAsync(ComplianceDbContext db, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }

            return await command.ExecuteScalarAsync(cancellationToken) is double result ? result : null;
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }
}
