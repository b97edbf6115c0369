using ChatCompliance.Core.Duties;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Tests.Host;

/// <summary>
/// Several instances starting together on one PostgreSQL database, all with a separation-of-duties rule turned off:
/// the change is audited once, and no start fails.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SettingsAuditRaceTests : IAsyncLifetime
{
    private readonly TestPostgres _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task Instances_starting_together_with_a_changed_setting_record_it_once_and_none_fails()
    {
        await using var app = ComplianceApp.OnPostgres(_postgres.ConnectionString);
        app.CreateClient().Dispose(); // started and migrated, with the defaults: nothing to record
        var off = new WithSettings(app.Services, Options.Create(new SeparationOfDutiesOptions { SubmitterCannotDecide = false }));

        // Each call is what one instance's start does: its own scope, context and connection.
        var recorded = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SettingsAudit.RecordChangesAsync(off))));

        Assert.Single(recorded, r => r);
        await using var scope = app.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<ComplianceDbContext>().AuditTrail.AsNoTracking()
            .Where(e => e.Action == SettingsAudit.Action).ToListAsync();
        Assert.Contains("\"submitterCannotDecide\":false", Assert.Single(entries).After, StringComparison.Ordinal);
    }

    /// <summary>The app's services with other separation-of-duties settings, as another instance's configuration would give.</summary>
    private sealed class WithSettings(IServiceProvider inner, IOptions<SeparationOfDutiesOptions> options) : IServiceProvider, IServiceScopeFactory
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(IOptions<SeparationOfDutiesOptions>) ? options : serviceType == typeof(IServiceScopeFactory) ? this : inner.GetService(serviceType);

        public IServiceScope CreateScope() => new Scope(inner.CreateScope(), options);

        private sealed class Scope(IServiceScope scope, IOptions<SeparationOfDutiesOptions> options) : IServiceScope, IServiceProvider
        {
            public IServiceProvider ServiceProvider => this;

            public object? GetService(Type serviceType) =>
                serviceType == typeof(IOptions<SeparationOfDutiesOptions>) ? options : scope.ServiceProvider.GetService(serviceType);

            public void Dispose() => scope.Dispose();
        }
    }
}
