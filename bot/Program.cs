using ChatCompliance.Bot;
using ChatCompliance.Bot.Health;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs;

try
{
    var builder = WebApplication.CreateBuilder(args);

    // Storage: SQLite under data/ by default, PostgreSQL when ConnectionStrings:Postgres is set.
    builder.AddStorage();

    // Scheduled work on Hangfire.
    builder.AddComplianceJobs();

    var app = builder.Build();

    // Create or migrate the store before anything touches it.
    await app.PrepareStoreAsync();

    app.MapHealthEndpoints();
    app.MapJobsDashboard();

    await app.RunAsync();
    return 0;
}
catch (StorageStartupException e)
{
    // One clear line naming the setting, not a stack trace.
    await Console.Error.WriteLineAsync($"fail: ChatCompliance cannot start: {e.Message}");
    return 1;
}

/// <summary>The web host's entry point; public so tests can start it with WebApplicationFactory.</summary>
public partial class Program;
