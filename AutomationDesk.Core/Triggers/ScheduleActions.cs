using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>What a person does to a schedule: pause it, resume it, or run it now. Each is audited.</summary>
public sealed class ScheduleActions(
    IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, IScheduleRegistry registry, ExecutionLauncher launcher,
    ScheduleFiring firing, ScheduleOverview overview, AuditTrail audit, TimeProvider time)
{
    /// <summary>
    /// Pauses or resumes a schedule, or an email or file trigger (which then does not poll); null when the workflow is
    /// unknown or none of these. Fires due while paused are not missed; messages and files that came meanwhile are taken on resume.
    /// </summary>
    public async Task<ScheduleView?> SetPausedAsync(Guid workflowId, bool paused, Actor actor, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var name = (await ScheduledWorkflow.LoadAsync(db, cache, workflowId, ct))?.Name
                ?? (await PolledWorkflow.LoadAsync(db, cache, [workflowId], ct)).SingleOrDefault()?.Name;
            if (name is null)
            {
                return null;
            }
            var now = time.GetUtcNow().ToUniversalTime();
            var state = await db.ScheduleStates.SingleOrDefaultAsync(s => s.WorkflowId == workflowId, ct);
            if ((state?.Paused ?? false) == paused)
            {
                return await overview.GetAsync(workflowId, ct);
            }
            if (state is null)
            {
                state = new ScheduleState { WorkflowId = workflowId };
                db.ScheduleStates.Add(state);
            }
            state.Paused = paused;
            state.UpdatedAt = now;
            audit.Record(db, actor, paused ? "schedule.pause" : "schedule.resume", $"workflow:{workflowId}", new { Name = name });
            await db.SaveChangesAsync(ct);
        }
        await registry.SyncAsync(workflowId, ct);
        await firing.AnnounceAsync(workflowId, ct);
        return await overview.GetAsync(workflowId, ct);
    }

    /// <summary>Starts a run at once, whatever the overlap policy says: a person asked for it. Null when not a schedule.</summary>
    public async Task<ExecutionSummary?> RunNowAsync(Guid workflowId, Actor actor, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await ScheduledWorkflow.LoadAsync(db, cache, workflowId, ct) is null)
            {
                return null;
            }
        }
        var now = time.GetUtcNow().ToUniversalTime();
        var input = new JsonObject { ["scheduledAt"] = now, ["firedAt"] = now, ["runNow"] = true };
        var started = await launcher.StartAsync(workflowId, new RunRequest(TriggerTypes.Schedule, input), actor, ct);
        await firing.AnnounceAsync(workflowId, ct);
        return started;
    }
}
