using System.Text.Json;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Host;

/// <summary>Turning a separation-of-duties rule off (or on again) is written to the audit trail at the next start, once.</summary>
[Collection(AppCollection.Name)]
public sealed class SeparationOfDutiesSettingsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-sod-settings-").FullName;

    [Fact]
    public async Task A_changed_separation_of_duties_setting_is_audited_at_start_with_before_and_after_once()
    {
        Assert.Empty(await SettingsEntriesAfterStartAsync(null));

        var off = await SettingsEntriesAfterStartAsync("false");
        var again = await SettingsEntriesAfterStartAsync("false");
        var on = await SettingsEntriesAfterStartAsync(null);

        var changed = Assert.Single(off);
        Assert.Equal(("settings.changed", "system", Platform.System, "Settings", "SeparationOfDuties"),
            (changed.Action, changed.Actor, changed.Platform, changed.SubjectType, changed.SubjectId));
        Assert.True(JsonDocument.Parse(changed.Before!).RootElement.GetProperty("submitterCannotDecide").GetBoolean());
        Assert.False(JsonDocument.Parse(changed.After!).RootElement.GetProperty("submitterCannotDecide").GetBoolean());
        Assert.True(JsonDocument.Parse(changed.After!).RootElement.GetProperty("reviewerCannotDecideOwnAccess").GetBoolean());
        Assert.Single(again);
        Assert.Equal(2, on.Count);
        Assert.Equal((changed.After, changed.Before), (on[1].Before, on[1].After));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>Starts the app with <c>SeparationOfDuties:SubmitterCannotDecide</c> (null: unset) and returns the settings entries.</summary>
    private async Task<List<AuditTrailEntry>> SettingsEntriesAfterStartAsync(string? submitterCannotDecide)
    {
        var settings = new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data };
        if (submitterCannotDecide is not null)
        {
            settings["SeparationOfDuties:SubmitterCannotDecide"] = submitterCannotDecide;
        }

        await using var app = new ComplianceApp(settings);
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().AuditTrail.AsNoTracking()
            .Where(e => e.Action == "settings.changed").OrderBy(e => e.Sequence).ToListAsync();
    }
}
