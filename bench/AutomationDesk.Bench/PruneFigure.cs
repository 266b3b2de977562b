using System.Diagnostics;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Bench;

internal sealed record PruneFigures(
    int Seeded, double SeedSeconds, PruneResult Prune, double PruneSeconds, double RunsPerSecondAlone, double RunsPerSecondDuringPrune, int RunsDuringPrune, int NotSucceeded);

/// <summary>
/// (7) Retention over many old runs while new ones keep going: 100,000 finished runs 60 days old (3 steps, 4 log rows
/// and a key each, written as multi-row inserts), then <see cref="RetentionPrune"/> with the 3-step workflow of (1) kept
/// under load beside it. The prune reports its own longest write turn; the runs' rate is measured alone just before.
/// </summary>
internal static class PruneFigure
{
    public static async Task<PruneFigures> MeasureAsync(BenchDesk desk, int oldRuns)
    {
        var workflow = await desk.CreateWorkflowAsync(BenchWorkflows.ThreeSteps());
        var seeding = Stopwatch.StartNew();
        await SeedAsync(desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>(), workflow, oldRuns);
        var seedSeconds = seeding.Elapsed.TotalSeconds;

        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(4))
        {
            await EngineFigures.ThroughputAsync(desk, workflow, 300, 64);
        }
        var alone = await EngineFigures.ThroughputAsync(desk, workflow, 2000, 64);

        var prune = desk.Services.GetRequiredService<RetentionPrune>();
        var clock = Stopwatch.StartNew();
        // On a thread of its own: SQLite's async calls complete synchronously, so awaiting here would run it to its end first.
        var pruning = Task.Run(() => prune.PruneAsync(Actor.System, null, CancellationToken.None));
        var during = 0;
        var notSucceeded = alone.NotSucceeded;
        while (!pruning.IsCompleted)
        {
            var round = await EngineFigures.ThroughputAsync(desk, workflow, 200, 64);
            during += round.Runs;
            notSucceeded += round.NotSucceeded;
        }
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var result = await pruning;
        return new PruneFigures(oldRuns, seedSeconds, result, result.DurationMs / 1000.0, alone.PerSecond, during / loadSeconds, during, notSucceeded);
    }

    /// <summary>Finished runs 60 days old with their steps, logs and key, 5,000 per transaction.</summary>
    private static async Task SeedAsync(IDbContextFactory<DeskDbContext> dbFactory, Guid workflowId, int count)
    {
        var start = DateTimeOffset.UtcNow.AddDays(-60);
        const int batch = 5000;
        for (var first = 0; first < count; first += batch)
        {
            var runs = new List<Execution>();
            var steps = new List<StepRun>();
            var logs = new List<ExecutionLog>();
            var keys = new List<ExecutionKey>();
            for (var i = first; i < Math.Min(count, first + batch); i++)
            {
                var created = start.AddSeconds(i);
                var id = Guid.CreateVersion7(created);
                runs.Add(new Execution
                {
                    Id = id, WorkflowId = workflowId, WorkflowName = "bench: transform, condition, transform", WorkflowVersion = 1,
                    Status = ExecutionStatus.Succeeded, Progress = 100, TriggerInputJson = $$$"""{"body":{"customer":"c{{{i % 1000}}}","amount":75}}""",
                    CreatedAt = created, StartedAt = created, FinishedAt = created.AddMilliseconds(4), DurationMs = 4,
                    OutputJson = $$"""{"customer":"c{{i % 1000}}","big":true}""", CorrelationId = id.ToString("N"),
                });
                foreach (var (stepId, position) in new[] { ("shape", 0), ("big", 1), ("label", 2) })
                {
                    steps.Add(new StepRun
                    {
                        Id = Guid.CreateVersion7(created), ExecutionId = id, StepId = stepId, Type = position == 1 ? "condition" : "transform", Name = stepId,
                        Position = position, Status = StepStatus.Succeeded, Attempts = 1, StartedAt = created, FinishedAt = created, DurationMs = 1,
                        InputJson = """{"value":{"customer":"c1","amount":75}}""", OutputJson = """{"customer":"c1","amount":75}""",
                    });
                }
                for (var n = 0; n < 4; n++)
                {
                    logs.Add(new ExecutionLog { ExecutionId = id, Time = created, Level = LogLevelName.Information, Domain = LogDomain.Step, StepId = "shape", Message = $"Step {n} succeeded in 1 ms" });
                }
                keys.Add(new ExecutionKey { ExecutionId = id, Name = "customer", Value = $"c{i % 1000}" });
            }
            await using var db = await dbFactory.CreateDbContextAsync();
            await using var write = await DeskDatabase.BeginWriteAsync(db, CancellationToken.None);
            // SQLite finds a named parameter by a linear search, so a statement of thousands of them costs the square:
            // a few hundred per statement is fast.
            foreach (var chunk in runs.Chunk(10))
            {
                await MultiRowInsert.InsertAsync(db, chunk, CancellationToken.None);
            }
            foreach (var chunk in steps.Chunk(30))
            {
                await MultiRowInsert.InsertAsync(db, chunk, CancellationToken.None);
            }
            foreach (var chunk in logs.Chunk(40))
            {
                await MultiRowInsert.InsertAsync(db, chunk, CancellationToken.None);
            }
            foreach (var chunk in keys.Chunk(100))
            {
                await MultiRowInsert.InsertAsync(db, chunk, CancellationToken.None);
            }
            await write.CommitAsync(CancellationToken.None);
        }
    }
}
