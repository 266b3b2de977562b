using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// The database side of registering a schedule, and the whole of it for a host without a job server (Core tests, the
/// benchmark): when a schedule becomes active its state row gets a starting point, so fires before that moment are
/// never counted as missed; when it stops (disabled, paused, no longer a schedule) the starting point is cleared, so
/// the time it was off is not counted either. A change made through the desk (an edit, enable, resume) also starts
/// afresh, so a new cron is not blamed for the fires it would have had since the old one last fired.
/// </summary>
public sealed class DatabaseScheduleRegistry(IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, TimeProvider time) : IScheduleRegistry
{
    public async Task SyncAsync(Guid workflowId, CancellationToken ct) => await ArmAsync(workflowId, startAfresh: true, ct);

    /// <summary>
    /// Brings the state row in step with the workflow; answers the schedule when it should fire, else null. Without
    /// <paramref name="startAfresh"/> (at start-up) an active schedule keeps the last due time it dealt with.
    /// </summary>
    public async Task<ScheduledWorkflow?> ArmAsync(Guid workflowId, bool startAfresh, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var schedule = await ScheduledWorkflow.LoadAsync(db, cache, workflowId, ct);
        var state = await db.ScheduleStates.SingleOrDefaultAsync(s => s.WorkflowId == workflowId, ct);
        var active = schedule is { Enabled: true } && state is not { Paused: true };
        var now = time.GetUtcNow().ToUniversalTime();
        if (active && state is null)
        {
            db.ScheduleStates.Add(new ScheduleState { WorkflowId = workflowId, LastFireAt = now, UpdatedAt = now });
        }
        else if (active && (state!.LastFireAt is null || startAfresh))
        {
            state.LastFireAt = now;
            state.UpdatedAt = now;
        }
        else if (!active && state?.LastFireAt is not null)
        {
            state.LastFireAt = null;
            state.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        return active ? schedule : null;
    }
}
