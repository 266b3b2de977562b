using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// At start-up the database, not the job queue, says what work is open: queued runs and runs whose lease has
/// run out are dispatched again, runs held by a desk process that has ended are taken back at once, and waiting
/// runs get their timers back.
/// </summary>
public sealed partial class ExecutionRecovery(
    IDbContextFactory<DeskDbContext> dbFactory, IExecutionDispatcher dispatcher, NodeLiveness liveness, ChildRuns children, Steps.StepRegistry registry,
    TimeProvider time, ILogger<ExecutionRecovery> logger)
{
    public async Task<int> RecoverAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var open = await db.Executions.AsNoTracking()
            .Where(e => e.Status == ExecutionStatus.Queued || e.Status == ExecutionStatus.Running || e.Status == ExecutionStatus.Waiting
                || e.Status == ExecutionStatus.Retrying || (e.Status == ExecutionStatus.Paused && e.DueAt != null))
            .Select(e => new { e.Id, e.Status, e.DueAt, e.LeaseExpiresAt, e.LeaseOwner })
            .ToListAsync(ct);
        var count = 0;
        var ended = new Dictionary<string, bool>(StringComparer.Ordinal); // asked once per owner: the check removes a dead one's lock file
        foreach (var run in open)
        {
            if (run.Status == ExecutionStatus.Queued && run.DueAt == ExecutionLauncher.HeldUntilReleased)
            {
                // Held behind another run of its schedule: its release dispatches it, not recovery.
                continue;
            }
            if (run.Status is ExecutionStatus.Waiting or ExecutionStatus.Retrying or ExecutionStatus.Paused && run.DueAt is { } due && due > now)
            {
                await dispatcher.DispatchAtAsync(run.Id, due, ct);
            }
            else if (run.Status == ExecutionStatus.Paused)
            {
                // An approval whose timeout passed while the desk was down: the wake-up decides it now.
                await dispatcher.DispatchAsync(run.Id, ct);
            }
            else if (run.LeaseExpiresAt is { } leaseEnds && leaseEnds > now)
            {
                if (run.LeaseOwner is { } owner && HasEnded(owner) && await ReleaseAsync(db, run.Id, owner, ct))
                {
                    // Its worker's process has ended (SIGKILL, a crash): nobody will renew the lease; take the run back now.
                    await dispatcher.DispatchAsync(run.Id, ct);
                }
                else
                {
                    // Held by a live worker, or by one whose end this machine cannot see: try again when the lease ends.
                    await dispatcher.DispatchAtAsync(run.Id, leaseEnds + TimeSpan.FromSeconds(1), ct);
                }
            }
            else
            {
                await dispatcher.DispatchAsync(run.Id, ct);
            }
            count++;
        }
        // A child that ended just before the desk stopped may not have woken the run waiting for it: wake those runs now
        // rather than at their next due time (a run timeout, say).
        var resumable = registry.All.Where(d => d.IsResumable).Select(d => d.Name).ToList();
        var waitingOnChildren = await db.StepRuns.AsNoTracking()
            .Where(s => s.Status == StepStatus.Waiting && resumable.Contains(s.Type))
            .Select(s => s.ExecutionId).Distinct().ToListAsync(ct);
        foreach (var id in waitingOnChildren)
        {
            await children.WakeAsync(id, ct);
        }
        Log.Recovered(logger, count, (long)time.GetElapsedTime(started).TotalMilliseconds);
        return count;

        bool HasEnded(string owner) => ended.TryGetValue(owner, out var known) ? known : ended[owner] = liveness.HasEnded(owner);
    }

    /// <summary>Clears the lease of a run whose worker's process has ended, so it can be claimed now.</summary>
    private static async Task<bool> ReleaseAsync(DeskDbContext db, Guid id, string owner, CancellationToken ct) =>
        await db.Executions.Where(e => e.Id == id && e.LeaseOwner == owner)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.LeaseExpiresAt, (DateTimeOffset?)null), ct) == 1;

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Recovery handed {Count} open executions back to the dispatcher in {ElapsedMs} ms")]
        public static partial void Recovered(ILogger logger, int count, long elapsedMs);
    }
}
