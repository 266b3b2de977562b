using System.Collections.Concurrent;
using System.Diagnostics;
using AutomationDesk.Core.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Bench;

internal sealed record InsertBaseline(int Rows, double RowsPerSecond)
{
    public double MsPerCommit => 1000 / RowsPerSecond;
}

/// <summary>What the parts under the engine can do alone, measured in the same run so the ratios mean something.</summary>
internal static class Baselines
{
    /// <summary>One ~200-byte row per SaveChanges through EF Core, opened the way the desk opens its database.</summary>
    public static async Task<InsertBaseline> EfInsertsAsync(TimeSpan duration)
    {
        var folder = Path.Combine(Path.GetTempPath(), "automationdesk-bench", Guid.NewGuid().ToString("N"));
        var builder = new DbContextOptionsBuilder<BareContext>();
        DeskDatabase.Configure(builder, $"Data Source={Path.Combine(folder, "bare.db")}");
        var contexts = new PooledDbContextFactory<BareContext>(builder.Options);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }
        var payload = new string('x', 200);
        await InsertAsync(contexts, payload, TimeSpan.FromMilliseconds(300));
        var started = Stopwatch.GetTimestamp();
        var rows = await InsertAsync(contexts, payload, duration);
        var perSecond = rows / Stopwatch.GetElapsedTime(started).TotalSeconds;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return new InsertBaseline(rows, perSecond);
    }

    private static async Task<int> InsertAsync(PooledDbContextFactory<BareContext> contexts, string payload, TimeSpan duration)
    {
        var rows = 0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            await using var db = await contexts.CreateDbContextAsync();
            db.Rows.Add(new BareRow { Id = Guid.CreateVersion7(), Payload = payload });
            await db.SaveChangesAsync();
            rows++;
        }
        return rows;
    }

    /// <summary>Empty Hangfire jobs through the desk's run storage and its server, at the same offered load: dispatch alone.</summary>
    public static async Task<(double P50Ms, double P99Ms)> HangfireLatencyAsync(BenchDesk desk, double perSecond, TimeSpan duration)
    {
        var jobs = desk.RunJobs;
        var runs = (int)(perSecond * duration.TotalSeconds);
        var interval = TimeSpan.FromSeconds(1 / perSecond);
        var waits = new List<Task<double>>(runs);
        var begin = Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            var wait = interval * i - Stopwatch.GetElapsedTime(begin);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            var id = Guid.NewGuid();
            var hit = PingJob.Expect(id);
            var enqueued = Stopwatch.GetTimestamp();
            jobs.Enqueue(() => PingJob.Hit(id));
            waits.Add(hit.ContinueWith(t => Stopwatch.GetElapsedTime(enqueued, t.Result).TotalMilliseconds, TaskScheduler.Default));
        }
        var sorted = (await Task.WhenAll(waits)).Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))]);
    }

    /// <summary>Empty Hangfire jobs as fast as one of the desk's job servers takes them, at most <paramref name="inFlight"/> waiting.</summary>
    public static async Task<(double PerSecond, double CpuMsPerJob)> HangfireThroughputAsync(IBackgroundJobClient jobs, int count, int inFlight)
    {
        using var slots = new SemaphoreSlim(inFlight);
        var hits = new List<Task<long>>(count);
        var cpu = Environment.CpuUsage.TotalTime;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            await slots.WaitAsync();
            var id = Guid.NewGuid();
            var hit = PingJob.Expect(id);
            _ = hit.ContinueWith(_ => slots.Release(), TaskScheduler.Default);
            jobs.Enqueue(() => PingJob.Hit(id));
            hits.Add(hit);
        }
        var ends = await Task.WhenAll(hits);
        var seconds = Stopwatch.GetElapsedTime(started, ends.Max()).TotalSeconds;
        return (count / seconds, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds / count);
    }

    internal sealed class BareRow
    {
        public Guid Id { get; set; }
        public string Payload { get; set; } = "";
    }

    internal sealed class BareContext(DbContextOptions<BareContext> options) : DbContext(options)
    {
        public DbSet<BareRow> Rows => Set<BareRow>();
    }
}

/// <summary>An empty job that only says it ran (Hangfire calls public static methods by name).</summary>
public static class PingJob
{
    private static readonly ConcurrentDictionary<Guid, TaskCompletionSource<long>> Waiting = new();

    public static void Hit(Guid id)
    {
        if (Waiting.TryRemove(id, out var hit))
        {
            hit.TrySetResult(Stopwatch.GetTimestamp());
        }
    }

    internal static Task<long> Expect(Guid id) =>
        Waiting.GetOrAdd(id, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
