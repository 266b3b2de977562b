using System.Collections.Concurrent;
using System.Diagnostics;
using AutomationDesk.Bench;

var counts = new ConcurrentDictionary<string, int>();
var counting = false;
DiagnosticListener.AllListeners.Subscribe(new Obs(l =>
{
    if (l.Name == "Microsoft.EntityFrameworkCore")
    {
        l.Subscribe(new KvObs(kv => { if (counting) counts.AddOrUpdate(kv.Key, 1, (_, n) => n + 1); }));
    }
}));
await using var desk = await BenchDesk.StartAsync();
var wf = await desk.CreateWorkflowAsync(BenchWorkflows.ThreeSteps());
if (args.Contains("--loop"))
{
    Console.WriteLine($"pid {Environment.ProcessId}");
    var until = Stopwatch.StartNew();
    var sem = new SemaphoreSlim(32);
    var k = 0;
    var cpu0 = Environment.CpuUsage.TotalTime.TotalMilliseconds;
    while (until.Elapsed < TimeSpan.FromSeconds(10))
    {
        await sem.WaitAsync();
        var (id, _) = await desk.StartAsync(wf, "c" + (k++ % 1000));
        _ = desk.FinishedAsync(id).ContinueWith(_ => sem.Release());
    }
    Console.WriteLine($"{k / 10.0:N0} runs/s, CPU/run {(Environment.CpuUsage.TotalTime.TotalMilliseconds - cpu0) / k:N2} ms");
    return;
}
for (var i = 0; i < 300; i++) { var (id, _) = await desk.StartAsync(wf, "c" + i); await desk.FinishedAsync(id); }
counting = true;
var n = 200;
double launchCpu = 0, totalCpu0 = Environment.CpuUsage.TotalTime.TotalMilliseconds;
for (var i = 0; i < n; i++)
{
    var c0 = Environment.CpuUsage.TotalTime.TotalMilliseconds;
    var (id, _) = await desk.StartAsync(wf, "c" + i);
    launchCpu += Environment.CpuUsage.TotalTime.TotalMilliseconds - c0;
    await desk.FinishedAsync(id);
}
var total = Environment.CpuUsage.TotalTime.TotalMilliseconds - totalCpu0;
counting = false;
Console.WriteLine($"sequential: total CPU/run {total / n:N2} ms; during StartAsync {launchCpu / n:N2} ms");
foreach (var (k, v) in counts.OrderByDescending(kv => kv.Value)) Console.WriteLine($"{(double)v / n,8:N2}  {k}");

sealed class Obs(Action<DiagnosticListener> on) : IObserver<DiagnosticListener>
{ public void OnNext(DiagnosticListener v) => on(v); public void OnError(Exception e) { } public void OnCompleted() { } }
sealed class KvObs(Action<KeyValuePair<string, object?>> on) : IObserver<KeyValuePair<string, object?>>
{ public void OnNext(KeyValuePair<string, object?> v) => on(v); public void OnError(Exception e) { } public void OnCompleted() { } }
