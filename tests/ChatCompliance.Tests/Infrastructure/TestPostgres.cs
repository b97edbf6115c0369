using Npgsql;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>A fresh PostgreSQL database for one test class, dropped afterwards. Unreachable PostgreSQL fails the test.</summary>
public sealed class TestPostgres : IAsyncLifetime
{
    private const string DefaultServer = "Host=127.0.0.1;Port=5432;Username=chatcompliance;Password=chatcompliance;Database=postgres";

    private readonly string _server = Environment.GetEnvironmentVariable("CHATCOMPLIANCE_TEST_POSTGRES") is { Length: > 0 } s ? s : DefaultServer;
    private readonly string _database = $"cc_test_{Guid.NewGuid():N}";

    /// <summary>The connection string of this class's own database.</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _database, Pooling = true }.ToString();

    public async Task InitializeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is required by this test and is unreachable ({e.Message}). Run the tests with scripts/test.sh, or set CHATCOMPLIANCE_TEST_POSTGRES.", e);
        }
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                // A backend of another role in the database (an autovacuum worker) is not ours to terminate; it leaves within moments.
                await Task.Delay(250);
            }
        }
    }
}
