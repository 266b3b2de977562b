using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// A run's timer (a delay's end, a retry's backoff, an approval's timeout, a lease's end), kept in the lasting storage so it
/// outlives a restart. When due it hands the run to the run storage, where <see cref="ExecutionJob"/> claims and runs it.
/// Persistent timers come twice after a restart (the stored one, and recovery's from the executions table), so a wake-up
/// for a due time the run no longer waits for does nothing: the run has moved on, and its current wait has a timer of its own.
/// </summary>
[AutomaticRetry(Attempts = 3)]
public sealed class ExecutionWakeJob(IDbContextFactory<DeskDbContext> dbFactory, IExecutionDispatcher dispatcher, TimeProvider time)
{
    [WorkflowJobName("Wake: {0}", WorkflowJobSubject.Execution)]
    public async Task WakeAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct)
    {
        if (!await IsCurrentAsync(executionId, dueAt, ct))
        {
            return;
        }
        if (dueAt > time.GetUtcNow())
        {
            // Hangfire keeps a due time in whole seconds and may fire up to a second early: set the timer again.
            await dispatcher.DispatchAtAsync(executionId, dueAt, ct);
            return;
        }
        await dispatcher.DispatchAsync(executionId, ct);
    }

    /// <summary>
    /// False when the run has ended, is gone, or waits for another due time than this wake-up's. A run that is queued or
    /// running (a lease's end, a dispatch failure's retry) is handed over: its claim decides.
    /// </summary>
    private async Task<bool> IsCurrentAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.Executions.AsNoTracking().Where(e => e.Id == executionId).Select(e => new { e.Status, e.DueAt }).SingleOrDefaultAsync(ct);
        if (row is null || row.Status.IsFinal())
        {
            return false;
        }
        if (row.Status is ExecutionStatus.Waiting or ExecutionStatus.Retrying or ExecutionStatus.Paused)
        {
            // The stored due time keeps a tenth of a millisecond (DateTimeOffsetToBinaryConverter); the timer's keeps ticks.
            return row.DueAt is { } due && (due - dueAt).Duration() < TimeSpan.FromMilliseconds(1);
        }
        return true;
    }
}
