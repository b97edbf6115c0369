using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Audit;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Auditing;

[Collection(AppCollection.Name)]
public sealed class SqliteAuditAnchorJobTests : AuditAnchorJobTests
{
    protected override ComplianceApp Start(IDictionary<string, string?> settings)
    {
        settings["Storage:DataDirectory"] = Folder;
        return new ComplianceApp(settings.AsReadOnly());
    }
}

[Collection(AppCollection.Name)]
public sealed class PostgresAuditAnchorJobTests : AuditAnchorJobTests, IAsyncLifetime
{
    private readonly TestPostgres _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    protected override ComplianceApp Start(IDictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Postgres"] = _postgres.ConnectionString;
        return new ComplianceApp(settings.AsReadOnly());
    }
}

/// <summary>The scheduled anchor in the running application: registered hourly, appends to the anchor file, posts once to the audit channels.</summary>
public abstract class AuditAnchorJobTests : IDisposable
{
    protected string Folder { get; } = Directory.CreateTempSubdirectory("cc-anchor-job-").FullName;

    private string AnchorFile => Path.Combine(Folder, "anchors", "audit.jsonl");

    protected abstract ComplianceApp Start(IDictionary<string, string?> settings);

    [Fact]
    public async Task The_anchor_job_is_registered_hourly_and_appends_each_new_head_and_posts_it_to_the_audit_channel_once()
    {
        await using var app = Start(new Dictionary<string, string?> { ["Audit:AnchorFile"] = AnchorFile, ["Outbox:Enabled"] = "false" });
        using var client = app.CreateClient();
        await client.GetAsync(new Uri("/healthz", UriKind.Relative)); // the store is ready
        using (var connection = app.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == AuditAnchorJob.RecurringJobId);
            Assert.Equal("0 * * * *", job.Cron);
        }

        var channel = await SubscribeAndAppendAsync(app, 2);
        await RunJobAsync(app);
        var firstLine = Assert.Single(await File.ReadAllLinesAsync(AnchorFile));
        await RunJobAsync(app); // unchanged head: nothing new
        await SubscribeAndAppendAsync(app, 1, subscribe: false);
        await RunJobAsync(app);

        var lines = await File.ReadAllLinesAsync(AnchorFile);
        Assert.Equal(2, lines.Length);
        Assert.Equal(firstLine, lines[0]);
        Assert.Equal([2L, 3L], AuditAnchorFile.Read(AnchorFile).Select(a => a.Anchor.Sequence));
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var posted = await db.Outbox.Where(o => o.Kind == "audit.anchor").ToListAsync();
        Assert.Equal(2, posted.Count);
        Assert.All(posted, o => Assert.Equal(channel, o.ConversationReferenceId));
        var report = await AuditChainVerifier.VerifyAsync(db, scope.ServiceProvider.GetRequiredService<AuditKeyRing>(), anchors: AuditAnchorFile.Read(AnchorFile));
        Assert.True(report.Intact, report.Summary);
    }

    [Fact]
    public async Task Without_an_audit_key_outside_Development_the_web_host_does_not_start_and_names_the_setting()
    {
        var result = await BotProcess.RunAsync([], new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = Folder, ["Audit__Keys"] = "", ["ASPNETCORE_URLS"] = "http://127.0.0.1:0", ["ASPNETCORE_ENVIRONMENT"] = "Production",
        });

        Assert.Equal(1, result.Exit);
        Assert.Contains("fail: ChatCompliance cannot start: Audit:Keys is empty: give the audit trail's MAC key as Audit:Keys:{id}", result.Stderr, StringComparison.Ordinal);
    }

    private static async Task RunJobAsync(ComplianceApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AuditAnchorJob>().RunAsync(CancellationToken.None);
    }

    private static async Task<Guid?> SubscribeAndAppendAsync(ComplianceApp app, int entries, bool subscribe = true)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        Guid? channel = null;
        if (subscribe)
        {
            var conversation = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Channel, ConversationId = "C0AUDIT", UpdatedAt = DateTimeOffset.UtcNow };
            db.ConversationReferences.Add(conversation);
            db.ChannelSubscriptions.Add(new ChannelSubscription { ConversationReferenceId = conversation.Id, Topic = SubscriptionTopic.Audits, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            channel = conversation.Id;
        }

        var trail = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        for (var i = 0; i < entries; i++)
        {
            await AuditTrail.RunInTransactionAsync(db, ct => trail.AppendAsync(db, new AuditRecord("system", null, Platform.Api, "test.step",
                AuditSubjects.EvidenceTask, $"task-{i}", null, """{"status":"Open"}""", null), ct));
        }

        return channel;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
