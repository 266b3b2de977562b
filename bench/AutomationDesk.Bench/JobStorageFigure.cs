using System.Diagnostics;

namespace AutomationDesk.Bench;

internal sealed record JobStorageFigures(
    double SqlitePerSecond, double SqliteCpuMs, double InMemoryPerSecond, double InMemoryCpuMs, int NotSucceeded,
    double SqliteEmptyJobsPerSecond, double SqliteEmptyJobCpuMs, double InMemoryEmptyJobsPerSecond, double InMemoryEmptyJobCpuMs)
{
    public double Ratio => SqlitePerSecond / InMemoryPerSecond;
}

/// <summary>
/// (8) What the lasting Hangfire storage costs the runs: figure (1)'s 3-step runs on a desk with the default settings
/// (<c>Jobs:Storage=Sqlite</c>: hangfire.db for schedules, timers and maintenance; runs on the in-memory run storage) and on
/// one with <c>Jobs:Storage=InMemory</c>, both desks up at once, in alternating rounds so the machine's drift falls on both;
/// beside them, empty jobs through each desk's lasting storage: what runs would move at if each were one job there.
/// </summary>
internal static class JobStorageFigure
{
    public static async Task<JobStorageFigures> MeasureAsync(int runs, int rounds, TimeSpan warmUp)
    {
        await using var sqlite = await BenchDesk.StartAsync();
        await using var inMemory = await BenchDesk.StartAsync(new Dictionary<string, string?> { ["Jobs:Storage"] = "InMemory" });
        var sqliteWorkflow = await sqlite.CreateWorkflowAsync(BenchWorkflows.ThreeSteps());
        var inMemoryWorkflow = await inMemory.CreateWorkflowAsync(BenchWorkflows.ThreeSteps());
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < warmUp)
        {
            await EngineFigures.ThroughputAsync(sqlite, sqliteWorkflow, 500, 64);
            await EngineFigures.ThroughputAsync(inMemory, inMemoryWorkflow, 500, 64);
        }
        var onSqlite = new List<Throughput>();
        var onInMemory = new List<Throughput>();
        for (var round = 0; round < rounds; round++)
        {
            onSqlite.Add(await EngineFigures.ThroughputAsync(sqlite, sqliteWorkflow, runs, 64));
            onInMemory.Add(await EngineFigures.ThroughputAsync(inMemory, inMemoryWorkflow, runs, 64));
        }
        await Baselines.HangfireThroughputAsync(sqlite.LastingJobs, 50, 64);
        var sqliteJobs = await Baselines.HangfireThroughputAsync(sqlite.LastingJobs, 500, 64);
        await Baselines.HangfireThroughputAsync(inMemory.LastingJobs, 200, 64);
        var inMemoryJobs = await Baselines.HangfireThroughputAsync(inMemory.LastingJobs, 2000, 64);
        return new JobStorageFigures(
            onSqlite.Average(t => t.PerSecond), onSqlite.Average(t => t.CpuMsPerRun), onInMemory.Average(t => t.PerSecond), onInMemory.Average(t => t.CpuMsPerRun),
            onSqlite.Concat(onInMemory).Sum(t => t.NotSucceeded),
            sqliteJobs.PerSecond, sqliteJobs.CpuMsPerJob, inMemoryJobs.PerSecond, inMemoryJobs.CpuMsPerJob);
    }
}
