using System.Diagnostics;
using AutomationDesk.Bench;
using static AutomationDesk.Bench.ResultTable;

// Figures of the engine on this machine. `--quick` is a smoke run: smaller counts, same table.
var quick = args.Contains("--quick");
// `--workers N` overrides the desk's Hangfire worker count (Jobs:WorkerCount), to compare settings.
var workers = args.SkipWhile(a => a != "--workers").Skip(1).FirstOrDefault();
var settings = workers is null ? null : new Dictionary<string, string?> { ["Jobs:WorkerCount"] = workers };
if (args.Contains("--crash"))
{
    // (6) on its own: a real SIGKILL of a child desk with runs in flight, and the restart.
    var crash = await CrashFigure.MeasureAsync(quick ? 200 : 1000);
    var crashTable = new ResultTable();
    crashTable.Add("6", $"recovery after SIGKILL with {N(crash.Runs)} runs in flight: runs found and handed back", $"{N(crash.Recovered)} in {N(crash.RecoverMs)} ms",
        "all, < 2,000 ms", crash.Recovered == crash.Runs && crash.RecoverMs < 2000, "ExecutionRecovery at start: one query, one dispatch per open run");
    crashTable.Add("6", "  process start -> answering (recovery included)", $"{N(crash.ReadyMs)} ms", "-", null, "the app's own start: migrations, identity, Hangfire, Kestrel");
    crashTable.Add("6", $"  process start -> the {N(crash.Runs - crash.InStepAtKill)} queued runs Succeeded", $"{N(crash.QueuedFinishedMs)} ms", "-", null,
        "their Hangfire jobs died with the process; from here on it is throughput (figure 1)");
    crashTable.Add("6", $"  process start -> all {N(crash.Runs)} Succeeded", $"{N(crash.AllFinishedMs)} ms", "-", null,
        $"{N(crash.InStepAtKill)} were mid-step at the kill; their 2-minute lease is not waited out: the killed process has ended");
    Console.WriteLine();
    Console.Write(crashTable);
    Console.WriteLine($"runs not Succeeded: {crash.NotSucceeded}");
    return crash.NotSucceeded == 0 && crash.Recovered == crash.Runs ? 0 : 1;
}

if (args.Contains("--jobs"))
{
    // (8) on its own: runs with the lasting Hangfire storage on SQLite (the default) and in memory, in the same run.
    var jobs = await JobStorageFigure.MeasureAsync(quick ? 500 : 2000, quick ? 1 : 3, TimeSpan.FromSeconds(quick ? 4 : 8));
    var jobsTable = new ResultTable();
    jobsTable.Add("8", "executions/s, 3 steps, default settings (Jobs:Storage=Sqlite) / Jobs:Storage=InMemory", $"{N(jobs.Ratio * 100, "N1")}%", ">= 500 /s", jobs.SqlitePerSecond >= 500,
        $"{N(jobs.SqlitePerSecond)} /s (CPU {N(jobs.SqliteCpuMs, "N2")} ms/run) against {N(jobs.InMemoryPerSecond)} /s (CPU {N(jobs.InMemoryCpuMs, "N2")} ms/run), alternating rounds, both desks up");
    jobsTable.Add("8", "  empty jobs through the lasting storage: hangfire.db / in memory", $"{N(jobs.SqliteEmptyJobsPerSecond)} /s", "-", null,
        $"at {N(jobs.SqliteEmptyJobCpuMs, "N2")} ms CPU each; in memory {N(jobs.InMemoryEmptyJobsPerSecond)} /s at {N(jobs.InMemoryEmptyJobCpuMs, "N2")} ms: the cap if every run were one job there");
    Console.WriteLine();
    Console.Write(jobsTable);
    Console.WriteLine($"runs not Succeeded: {jobs.NotSucceeded}");
    return jobs.NotSucceeded == 0 ? 0 : 1;
}

if (args.Contains("--events"))
{
    // (1e) on its own: the 3-step runs with and without storing their events, after the same warm-up as (1).
    await using var eventsDesk = await BenchDesk.StartAsync(settings);
    var workflow = await eventsDesk.CreateWorkflowAsync(BenchWorkflows.ThreeSteps());
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed < TimeSpan.FromSeconds(quick ? 4 : 8))
    {
        await EngineFigures.ThroughputAsync(eventsDesk, workflow, 500, 64);
    }
    var cost = await EngineFigures.EventCostAsync(eventsDesk, workflow, quick ? 500 : 2000, quick ? 1 : 3);
    var eventsTable = new ResultTable();
    AddEventCost(eventsTable, cost);
    Console.WriteLine();
    Console.Write(eventsTable);
    return 0;
}

if (args.Contains("--prune"))
{
    // (7) on its own: retention over 100,000 old runs (20,000 quick) while new runs keep going.
    PruneFigures prune;
    await using (var desk = await BenchDesk.StartAsync(settings))
    {
        prune = await PruneFigure.MeasureAsync(desk, quick ? 20_000 : 100_000);
    }
    var pruneTable = new ResultTable();
    pruneTable.Add("7", $"prune of {N(prune.Seeded)} old runs (3 steps, 4 logs, 1 key each) under load: time", $"{N(prune.PruneSeconds, "N1")} s", "-", null,
        $"{N(prune.Prune.Executions)} runs, {N(prune.Prune.Steps)} steps, {N(prune.Prune.Logs)} log rows deleted; file {N(prune.Prune.DatabaseBytesBefore / 1048576.0, "N0")} -> {N(prune.Prune.DatabaseBytesAfter / 1048576.0, "N0")} MiB; seeded in {N(prune.SeedSeconds, "N1")} s");
    pruneTable.Add("7", "  longest write-lock hold of the prune", $"{N(prune.Prune.LongestWriteHoldMs, "N1")} ms", "<= 50 ms", prune.Prune.LongestWriteHoldMs <= 50,
        "batches of up to Retention:BatchSize runs, each sized from the last one's rate for Retention:MaxWriteHoldMs; incremental vacuum steps included");
    pruneTable.Add("7", "  executions/s of the 3-step workflow during the prune", $"{N(prune.RunsPerSecondDuringPrune)} /s", "-", null,
        $"{N(prune.RunsDuringPrune)} runs during it; {N(prune.RunsPerSecondAlone)} /s alone just before");
    Console.WriteLine();
    Console.Write(pruneTable);
    Console.WriteLine($"runs not Succeeded: {prune.NotSucceeded}");
    return prune.NotSucceeded == 0 ? 0 : 1;
}

var clock = Stopwatch.StartNew();
var loadAtStart = LoadAverage();
Console.WriteLine($"AutomationDesk bench ({(quick ? "quick" : "full")}), {Environment.ProcessorCount} cores, Hangfire workers {workers ?? "as configured"}, load average {loadAtStart}");

var efInserts = await Baselines.EfInsertsAsync(TimeSpan.FromSeconds(quick ? 1 : 3));
Console.WriteLine($"  (4) EF Core bare inserts done ({clock.Elapsed.TotalSeconds:N0} s)");

Throughput throughput;
EventCost eventCost;
Latency latency;
(double P50Ms, double P99Ms) hangfire;
(double PerSecond, double CpuMsPerJob) hangfireThroughput;
StepSlope slope;
double idleCpuPercent;
await using (var desk = await BenchDesk.StartAsync(settings))
{
    var threeSteps = await desk.CreateWorkflowAsync(BenchWorkflows.ThreeSteps());
    // Warm-up: load until the JIT has compiled the hot path again with what it saw (tier-up takes a few seconds).
    var warmUp = Stopwatch.StartNew();
    while (warmUp.Elapsed < TimeSpan.FromSeconds(quick ? 4 : 8))
    {
        await EngineFigures.ThroughputAsync(desk, threeSteps, 500, 64);
    }
    await Task.Delay(TimeSpan.FromSeconds(1));
    var idleCpu = Environment.CpuUsage.TotalTime;
    await Task.Delay(TimeSpan.FromSeconds(2));
    idleCpuPercent = (Environment.CpuUsage.TotalTime - idleCpu).TotalMilliseconds / 20;
    throughput = await EngineFigures.ThroughputAsync(desk, threeSteps, quick ? 500 : 3000, 64);
    eventCost = await EngineFigures.EventCostAsync(desk, threeSteps, quick ? 500 : 2000, quick ? 1 : 3);
    Console.WriteLine($"  (1e) event stream cost done ({clock.Elapsed.TotalSeconds:N0} s)");
    await Baselines.HangfireThroughputAsync(desk.RunJobs, 200, 64);
    hangfireThroughput = await Baselines.HangfireThroughputAsync(desk.RunJobs, quick ? 1000 : 5000, 64);
    Console.WriteLine($"  (1) throughput done ({clock.Elapsed.TotalSeconds:N0} s)");

    hangfire = await Baselines.HangfireLatencyAsync(desk, 100, TimeSpan.FromSeconds(quick ? 1 : 3));
    latency = await EngineFigures.LatencyAsync(desk, threeSteps, 100, TimeSpan.FromSeconds(quick ? 3 : 10));
    Console.WriteLine($"  (2) latency at 100 runs/s done ({clock.Elapsed.TotalSeconds:N0} s)");

    var chains = new List<(int, Guid)>();
    foreach (var steps in new[] { 1, 10, 50 })
    {
        chains.Add((steps, await desk.CreateWorkflowAsync(BenchWorkflows.Chain(steps))));
    }
    await EngineFigures.StepSlopeAsync(desk, chains, 3);
    slope = await EngineFigures.StepSlopeAsync(desk, chains, quick ? 8 : 40);
    Console.WriteLine($"  (3) per-step slope done ({clock.Elapsed.TotalSeconds:N0} s)");
}

KeyQuery keyQuery;
await using (var desk = await BenchDesk.StartAsync())
{
    keyQuery = await KeyQueryFigure.MeasureAsync(desk, quick ? 20_000 : 100_000, 1000);
    Console.WriteLine($"  (5) business-key query done ({clock.Elapsed.TotalSeconds:N0} s)");
}

var table = new ResultTable();
table.Add("1", "executions/s, 3 steps, Hangfire + engine + SQLite", $"{N(throughput.PerSecond)} /s", ">= 500 /s", throughput.PerSecond >= 500,
    $"CPU {N(throughput.CpuMsPerRun, "N2")} ms per run; empty Hangfire jobs alone {N(hangfireThroughput.PerSecond)} /s at {N(hangfireThroughput.CpuMsPerJob, "N2")} ms CPU each; EF Core bare inserts {N(efInserts.RowsPerSecond)} rows/s");
AddEventCost(table, eventCost);
table.Add("2", $"accepted -> Succeeded at {N(latency.OfferedPerSecond)} runs/s, p50", $"{N(latency.P50Ms, "N1")} ms", "<= 10 ms", latency.P50Ms <= 10,
    $"empty Hangfire job, enqueue -> run, p50 {N(hangfire.P50Ms, "N1")} ms");
table.Add("2", "  same, p99", $"{N(latency.P99Ms, "N1")} ms", "<= 50 ms", latency.P99Ms <= 50,
    $"empty Hangfire job p99 {N(hangfire.P99Ms, "N1")} ms; engine max {N(latency.MaxMs, "N1")} ms");
table.Add("3", "engine overhead per step (1/10/50-step slope)", $"{N(slope.MsPerStep, "N2")} ms/step", "<= 0.5 ms", slope.MsPerStep <= 0.5,
    $"one bare EF commit {N(efInserts.MsPerCommit, "N3")} ms; runs: " + string.Join(", ", slope.Points.Select(p => $"{p.Steps} step(s) {N(p.MeanMs, "N1")} ms (CPU {N(p.CpuMs, "N1")})")));
table.Add("4", "EF Core bare inserts, 1 row per SaveChanges", $"{N(efInserts.RowsPerSecond)} rows/s", "-", null, "the storage limit the ratios in (1) and (3) refer to");
table.Add("5", $"key.customer = cN over {N(keyQuery.StoredRuns)} runs, page + total", $"{N(keyQuery.MedianMs, "N1")} ms", "< 200 ms", keyQuery.MedianMs < 200,
    $"max {N(keyQuery.MaxMs, "N1")} ms, {keyQuery.Found} found; unfiltered first page + total {N(keyQuery.UnfilteredMs, "N1")} ms");

Console.WriteLine();
Console.Write(table);
var failed = throughput.NotSucceeded + latency.NotSucceeded + slope.NotSucceeded;
Console.WriteLine($"the desk idle uses {N(idleCpuPercent, "N1")}% of one core");
Console.WriteLine($"runs not Succeeded: {failed}; load average at end {LoadAverage()}; {clock.Elapsed.TotalSeconds:N0} s in all");
return failed == 0 ? 0 : 1;

static void AddEventCost(ResultTable table, EventCost cost) =>
    table.Add("1e", "  same, events stored / not stored (Engine:StoreEvents, bench only)", $"{N(cost.Ratio * 100, "N1")}%", ">= 85%", cost.Ratio >= 0.85,
        $"{N(cost.WithPerSecond)} /s with (CPU {N(cost.WithCpuMs, "N2")} ms/run), {N(cost.WithoutPerSecond)} /s without (CPU {N(cost.WithoutCpuMs, "N2")} ms/run), alternating rounds");

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
