using System.Diagnostics;
using AutomationDesk.Core.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Bench;

internal sealed record Throughput(int Runs, double PerSecond, double CpuMsPerRun, int NotSucceeded);

internal sealed record Latency(int Runs, double OfferedPerSecond, double P50Ms, double P99Ms, double MaxMs, int NotSucceeded);

internal sealed record EventCost(double WithPerSecond, double WithoutPerSecond, double WithCpuMs, double WithoutCpuMs)
{
    public double Ratio => WithPerSecond / WithoutPerSecond;
}

internal sealed record StepSlope(IReadOnlyList<(int Steps, double MeanMs, double CpuMs)> Points, double MsPerStep, int NotSucceeded);

/// <summary>The engine's figures: whole runs pushed through the desk's own dispatch and engine.</summary>
internal static class EngineFigures
{
    /// <summary>Runs as fast as they go, with at most <paramref name="inFlight"/> started and not yet finished.</summary>
    public static async Task<Throughput> ThroughputAsync(BenchDesk desk, Guid workflowId, int runs, int inFlight)
    {
        using var slots = new SemaphoreSlim(inFlight);
        var finishes = new List<Task<(ExecutionStatus Status, long At)>>(runs);
        var cpu = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            await slots.WaitAsync();
            var (id, _) = await desk.StartAsync(workflowId, $"c{i % 1000}");
            var finished = desk.FinishedAsync(id);
            _ = finished.ContinueWith(_ => slots.Release(), TaskScheduler.Default);
            finishes.Add(finished);
        }
        var results = await Task.WhenAll(finishes);
        var seconds = Stopwatch.GetElapsedTime(started, results.Max(r => r.At)).TotalSeconds;
        var cpuMs = (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds;
        return new Throughput(runs, runs / seconds, cpuMs / runs, results.Count(r => r.Status != ExecutionStatus.Succeeded));
    }

    /// <summary>
    /// What storing the replayable event stream costs: the same runs with <see cref="EngineOptions.StoreEvents"/> off and
    /// on, alternating rounds on the same desk and database so the machine's drift falls on both alike.
    /// </summary>
    public static async Task<EventCost> EventCostAsync(BenchDesk desk, Guid workflowId, int runs, int rounds)
    {
        var engine = desk.Services.GetRequiredService<IOptions<EngineOptions>>().Value;
        var with = new List<Throughput>();
        var without = new List<Throughput>();
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                engine.StoreEvents = false;
                without.Add(await ThroughputAsync(desk, workflowId, runs, 64));
                engine.StoreEvents = true;
                with.Add(await ThroughputAsync(desk, workflowId, runs, 64));
            }
        }
        finally
        {
            engine.StoreEvents = true;
        }
        return new EventCost(with.Average(t => t.PerSecond), without.Average(t => t.PerSecond), with.Average(t => t.CpuMsPerRun), without.Average(t => t.CpuMsPerRun));
    }

    /// <summary>An open-loop load: a run is started every 1/rate seconds whether or not earlier ones have finished.</summary>
    public static async Task<Latency> LatencyAsync(BenchDesk desk, Guid workflowId, double perSecond, TimeSpan duration)
    {
        var runs = (int)(perSecond * duration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        var measured = new List<Task<(double Ms, ExecutionStatus Status)>>(runs);
        var begin = Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            var wait = interval * i - Stopwatch.GetElapsedTime(begin);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            measured.Add(Task.Run(async () =>
            {
                var (id, accepted) = await desk.StartAsync(workflowId, $"c{i % 1000}");
                var (status, at) = await desk.FinishedAsync(id);
                return (Math.Max(0, Stopwatch.GetElapsedTime(accepted, at).TotalMilliseconds), status);
            }));
        }
        var offered = runs / Stopwatch.GetElapsedTime(begin).TotalSeconds;
        var results = await Task.WhenAll(measured);
        var sorted = results.Select(r => r.Ms).Order().ToArray();
        return new Latency(runs, offered, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1],
            results.Count(r => r.Status != ExecutionStatus.Succeeded));
    }

    /// <summary>Mean time of one run at a time for each chain length, and the least-squares slope through them.</summary>
    public static async Task<StepSlope> StepSlopeAsync(BenchDesk desk, IReadOnlyList<(int Steps, Guid WorkflowId)> chains, int runsEach)
    {
        var points = new List<(int, double, double)>();
        var notSucceeded = 0;
        foreach (var (steps, workflowId) in chains)
        {
            var total = 0.0;
            var cpu = Environment.CpuUsage.TotalTime;
            for (var i = 0; i < runsEach; i++)
            {
                var (id, accepted) = await desk.StartAsync(workflowId, $"c{i}");
                var (status, at) = await desk.FinishedAsync(id);
                total += Stopwatch.GetElapsedTime(accepted, at).TotalMilliseconds;
                notSucceeded += status == ExecutionStatus.Succeeded ? 0 : 1;
            }
            points.Add((steps, total / runsEach, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / runsEach));
        }
        var meanX = points.Average(p => (double)p.Item1);
        var meanY = points.Average(p => p.Item2);
        var slope = points.Sum(p => (p.Item1 - meanX) * (p.Item2 - meanY)) / points.Sum(p => (p.Item1 - meanX) * (p.Item1 - meanX));
        return new StepSlope(points, slope, notSucceeded);
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
