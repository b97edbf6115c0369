using BenchmarkDotNet.Running;
using ChatCompliance.Benchmarks;

// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- latency [rounds]
// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- rankers

if (args.Length > 0 && args[0] == "rankers")
{
    RankerComparison.Run();
    return;
}

if (args.Length > 0 && args[0] == "latency")
{
    LatencyRun.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
