using BenchmarkDotNet.Running;
using ChatCompliance.Benchmarks;

// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- latency [rounds] [real]
// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- rankers
// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- teams-load|slack-load [connections] [seconds]   (after: dotnet build -c Release bot)
// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- review-launch [accounts=10000] [reviewers=200] [sqlite|postgres] [graph latency ms=100]
// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- outbox-load [count]   (after: dotnet build -c Release bot; 10,000 by default)
// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- digest [tasks=100000] [postgres|sqlite]

// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- programme [controls=500] [tasks=10000] [sqlite|postgres]   (after: dotnet build -c Release bot)
if (args.Length > 0 && args[0] == "programme")
{
    await ProgrammePageRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000, args.Length > 3 ? args[3] : "sqlite");
    return;
}

if (args.Length > 0 && args[0] == "digest")
{
    await DigestRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000, args.Length > 2 ? args[2] : "postgres");
    return;
}

if (args.Length > 0 && args[0] == "outbox-load")
{
    await OutboxLoadRun.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000);
    return;
}

if (args.Length > 0 && args[0] == "teams-load")
{
    await TeamsLoadRun.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 32,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}

if (args.Length > 0 && args[0] == "slack-load")
{
    await TeamsLoadRun.RunSlackAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 32,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}

if (args.Length > 0 && args[0] == "review-launch")
{
    await ReviewLaunchRun.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 200,
        args.Length > 3 ? args[3] : "sqlite",
        TimeSpan.FromMilliseconds(args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 100));
    return;
}

if (args.Length > 0 && args[0] == "rankers")
{
    RankerComparison.Run();
    return;
}

if (args.Length > 0 && args[0] == "latency")
{
    LatencyRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20, realOnly: args.Length > 2 && args[2] == "real");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
