using ChatCompliance.Core.Duties;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot;

internal static partial class Startup
{
    /// <summary>Migrates the store, says which store is in use, audits a change of settings, then registers the recurring jobs and makes up the runs missed while no instance ran.</summary>
    public static async Task PrepareStoreAsync(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<StoreDescription>();
        await StoreMigrator.MigrateAsync(app.Services, app.Lifetime.ApplicationStopping);
        LogStore(app.Logger, store.Provider, store.Location);
        await SettingsAudit.RecordChangesAsync(app.Services, app.Lifetime.ApplicationStopping);
        _ = await app.Services.RegisterRecurringJobsAsync(app.Lifetime.ApplicationStopping);
        // Reminders, announcements and the digest that no instance sent while none ran: once, in the background.
        if (app.Services.GetRequiredService<IOptions<JobsOptions>>().Value.CatchUpAtStart)
        {
            _ = Task.Run(() => app.Services.CatchUpMissedRunsAsync(app.Lifetime.ApplicationStopping), CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Store: {Provider} at {Location}")]
    private static partial void LogStore(ILogger logger, string provider, string location);
}
