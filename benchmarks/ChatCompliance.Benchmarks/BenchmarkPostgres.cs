using System.Diagnostics;
using Npgsql;

namespace ChatCompliance.Benchmarks;

/// <summary>Throw-away PostgreSQL databases for the benchmarks that measure the store.</summary>
internal static class BenchmarkPostgres
{
    /// <summary>A fresh database on the server <c>scripts/test-postgres.sh</c> gives (or CHATCOMPLIANCE_TEST_POSTGRES names).</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable("CHATCOMPLIANCE_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            var script = new ProcessStartInfo("bash", [Path.Combine(KnowledgeSets.RepositoryRoot(), "scripts", "test-postgres.sh")]) { RedirectStandardOutput = true };
            using var process = Process.Start(script)!;
            server = (await process.StandardOutput.ReadToEndAsync()).Trim();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0 || server.Length == 0)
            {
                throw new InvalidOperationException("scripts/test-postgres.sh gave no PostgreSQL server");
            }
        }

        var name = $"cc_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        var builder = new NpgsqlConnectionStringBuilder(database);
        var name = builder.Database;
        builder.Database = "postgres";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
