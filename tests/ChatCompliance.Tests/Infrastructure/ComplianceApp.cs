using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>The whole application over HTTP on the given store; configuration is injected, nothing else is changed.</summary>
/// <remarks><paramref name="services"/> may replace services that stand for the outside world (the clock), nothing else.</remarks>
public sealed class ComplianceApp(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    /// <summary>The app on the embedded default: a SQLite file in <paramref name="dataDirectory"/>.</summary>
    public static ComplianceApp OnSqlite(string dataDirectory) =>
        new(new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory });

    /// <summary>The app on PostgreSQL.</summary>
    public static ComplianceApp OnPostgres(string connectionString) =>
        new(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the audit trail needs its MAC key; a test that gives keys of its own gets only those.
        var keys = settings.Keys.Any(k => k.StartsWith("Audit:Keys", StringComparison.OrdinalIgnoreCase)) ? [] : TestAuditKeys.Settings;
        // The wall clock (or a test's clock) decides what a start would make up: a test that wants it says so.
        var catchUp = settings.ContainsKey("Jobs:CatchUpAtStart") ? [] : new Dictionary<string, string?> { ["Jobs:CatchUpAtStart"] = "false" };
        foreach (var (key, value) in keys.Concat(catchUp).Concat(settings))
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
