using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>The last run a schedule started (or skipped, or missed).</summary>
public sealed record ScheduleLastRun(Guid Id, ExecutionStatus Status, DateTimeOffset At);

/// <summary>One schedule as the schedules page, the API and the live channel show it.</summary>
public sealed record ScheduleView(
    Guid WorkflowId, string WorkflowName, bool Enabled, bool Paused, string Expression, string Description, string TimeZone,
    string Overlap, string Misfire, TimeSpan? AlertAfter, IReadOnlyList<ScheduledFire> NextRuns, ScheduleLastRun? LastRun, int MissedLastWeek);

/// <summary>Reads schedules for lists: what each will do next, what it did last, and how often it missed lately.</summary>
public sealed class ScheduleOverview(IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, TimeProvider time)
{
    public const int NextRunCount = 5;
    public static readonly TimeSpan MissedWindow = TimeSpan.FromDays(7);

    /// <summary>Schedules whose workflow name contains <paramref name="search"/>, by name, one page of them, and how many match.</summary>
    public async Task<(IReadOnlyList<ScheduleView> Items, int Total)> ListAsync(string? search, int page, int pageSize, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Workflows.AsNoTracking().Where(w => w.TriggerType == TriggerTypes.Schedule);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var text = search.Trim().ToLowerInvariant();
#pragma warning disable CA1862 // ToLower is translated to SQL lower(): a case-blind search that takes the text literally.
            query = query.Where(w => w.Name.ToLower().Contains(text));
#pragma warning restore CA1862
        }
        var total = await query.CountAsync(ct);
        var ids = await query.OrderBy(w => w.Name).ThenBy(w => w.Id).Skip((int)Math.Min(((long)page - 1) * pageSize, int.MaxValue)).Take(pageSize).Select(w => w.Id).ToListAsync(ct);
        var views = await ViewsAsync(db, ids, ct);
        return (ids.Select(id => views.GetValueOrDefault(id)).OfType<ScheduleView>().ToList(), total);
    }

    /// <summary>One schedule, or null when the workflow is unknown or not a schedule.</summary>
    public async Task<ScheduleView?> GetAsync(Guid workflowId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return (await ViewsAsync(db, [workflowId], ct)).GetValueOrDefault(workflowId);
    }

    private async Task<Dictionary<Guid, ScheduleView>> ViewsAsync(DeskDbContext db, List<Guid> ids, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUniversalTime();
        var schedules = await ScheduledWorkflow.LoadAsync(db, cache, ids, ct);
        var paused = await db.ScheduleStates.AsNoTracking().Where(s => ids.Contains(s.WorkflowId) && s.Paused).Select(s => s.WorkflowId).ToListAsync(ct);
        var missedSince = now - MissedWindow;
        var missed = await db.Executions.AsNoTracking()
            .Where(e => ids.Contains(e.WorkflowId) && e.Status == ExecutionStatus.Missed && e.CreatedAt >= missedSince)
            .GroupBy(e => e.WorkflowId).Select(g => new { WorkflowId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(m => m.WorkflowId, m => m.Count, ct);
        var views = new Dictionary<Guid, ScheduleView>();
        foreach (var schedule in schedules)
        {
            var last = await db.Executions.AsNoTracking()
                .Where(e => e.WorkflowId == schedule.WorkflowId && e.TriggerKind == TriggerTypes.Schedule)
                .OrderByDescending(e => e.CreatedAt)
                .Select(e => new ScheduleLastRun(e.Id, e.Status, e.CreatedAt))
                .FirstOrDefaultAsync(ct);
            var isPaused = paused.Contains(schedule.WorkflowId);
            var trigger = schedule.Trigger;
            views[schedule.WorkflowId] = new ScheduleView(
                schedule.WorkflowId, schedule.Name, schedule.Enabled, isPaused, schedule.Expression, schedule.Calendar.Describe(),
                schedule.Calendar.Zone.Id, trigger.Overlap, trigger.Misfire, trigger.AlertAfter,
                schedule.Enabled && !isPaused ? schedule.Calendar.Next(now, NextRunCount) : [],
                last, missed.GetValueOrDefault(schedule.WorkflowId));
        }
        return views;
    }
}
