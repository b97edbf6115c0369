using System.CommandLine;
using ChatCompliance.Bot.Hosting;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.OnDemand;

namespace ChatCompliance.Bot.Cli;

/// <summary><c>jobs run &lt;job&gt;</c>: a scheduled job now, through the very job classes Hangfire runs, audited as the operating-system user.</summary>
internal static partial class CommandLine
{
    private static Command JobsCommand()
    {
        var job = new Argument<string>("job") { Description = $"The job: {string.Join(", ", JobTrigger.Jobs)}" };
        var audit = new Option<string?>("--audit") { Description = "With announce: the audit to announce (its name as the calendar shows it, or its id)" };
        var run = new Command("run", "Run a scheduled job now (what the schedule would queue, queued now; the running server sends it); audited as job.run")
        {
            job, audit,
        };
        run.SetAction((result, cancellationToken) => FailPolitelyAsync(() => RunJobAsync(result.GetValue(job)!, result.GetValue(audit), cancellationToken)));
        return new Command("jobs", "Scheduled jobs") { run };
    }

    private static async Task<int> RunJobAsync(string job, string? audit, CancellationToken cancellationToken)
    {
        if (JobTrigger.Find(job) is null)
        {
            return await UsageAsync($"there is no job '{job}'; jobs: {string.Join(", ", JobTrigger.Jobs)}");
        }

        var builder = NewHostBuilder();
        builder.AddComplianceServices();
        using var host = builder.Build();
        await StoreMigrator.MigrateAsync(host.Services, cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var run = await scope.ServiceProvider.GetRequiredService<JobTrigger>().RunAsync(job, audit, CliActor, cancellationToken);
        if (!run.Succeeded)
        {
            await Console.Error.WriteLineAsync($"fail: {CardText.Plain(run.Message)}");
            return 1;
        }

        Console.WriteLine(CardText.Plain(run.Message));
        return 0;
    }
}
