using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// At start-up the database, not the job queue, says what work is open: queued runs and runs whose lease has
/// run out are dispatched again, and waiting runs get their timers back.
/// </summary>
public sealed partial class ExecutionRecovery(IDbContextFactory<DeskDbContext> dbFactory, IExecutionDispatcher dispatcher, TimeProvider time, ILogger<ExecutionRecovery> logger)
{
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var open = await db.Executions.AsNoTracking()
            .Where(e => e.Status == ExecutionStatus.Queued || e.Status == ExecutionStatus.Running || e.Status == ExecutionStatus.Waiting
                || e.Status == ExecutionStatus.Retrying)
            .Select(e => new { e.Id, e.Status, e.DueAt, e.LeaseExpiresAt })
            .ToListAsync(ct);
        var count = 0;
        foreach (var run in open)
        {
            if (run.Status == ExecutionStatus.Queued && run.DueAt == ExecutionLauncher.HeldUntilReleased)
            {
                // Held behind another run of its schedule: its release dispatches it, not recovery.
                continue;
            }
            if (run.Status is ExecutionStatus.Waiting or ExecutionStatus.Retrying && run.DueAt is { } due && due > now)
            {
                await dispatcher.DispatchAtAsync(run.Id, due, ct);
            }
            else if (run.LeaseExpiresAt is { } leaseEnds && leaseEnds > now)
            {
                // Held by a live worker (or a crashed one whose lease has not run out yet): try again when it ends.
                await dispatcher.DispatchAtAsync(run.Id, leaseEnds + TimeSpan.FromSeconds(1), ct);
            }
            else
            {
                await dispatcher.DispatchAsync(run.Id, ct);
            }
            count++;
        }
        Log.Recovered(logger, count, (long)time.GetElapsedTime(started).TotalMilliseconds);
        return count;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Recovery handed {Count} open executions back to the dispatcher in {ElapsedMs} ms")]
        public static partial void Recovered(ILogger logger, int count, long elapsedMs);
    }
}
