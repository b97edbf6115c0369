using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/ChatCompliance.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
