using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Steps;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// Raises one notification for a run that takes longer than it should: its workflow's <c>settings.expectedDuration</c>,
/// or else three times the p95 of the workflow's recent successful runs (once there are enough of them to say).
/// Called every minute by a recurring job; the notification's id is stable per run, so it is raised once.
/// </summary>
public sealed class LongRunningWatch(IDbContextFactory<DeskDbContext> dbFactory, CompiledWorkflowCache cache, NotificationService notifications, TimeProvider time)
{
    /// <summary>Fewer successful runs than this say too little about how long a run takes.</summary>
    public const int MinimumHistory = 10;

    /// <summary>Three times the p95 of runs that take milliseconds would flag every wait: no limit is shorter than this.</summary>
    public static readonly TimeSpan ShortestLimit = TimeSpan.FromMinutes(1);

    public async Task<int> CheckAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = await db.Executions.AsNoTracking()
            .Where(e => e.StartedAt != null && e.DraftDefinitionJson == null && !e.DryRun
                && (e.Status == ExecutionStatus.Running || e.Status == ExecutionStatus.Waiting || e.Status == ExecutionStatus.Retrying))
            .Select(e => new { e.Id, e.WorkflowId, e.WorkflowName, e.WorkflowVersion, StartedAt = e.StartedAt!.Value })
            .ToListAsync(ct);
        var raised = 0;
        var limits = new Dictionary<Guid, TimeSpan?>();
        foreach (var run in open)
        {
            if (!limits.TryGetValue(run.WorkflowId, out var limit))
            {
                limits[run.WorkflowId] = limit = await ExpectedLimitAsync(db, run.WorkflowId, run.WorkflowVersion, ct);
            }
            var took = now - run.StartedAt;
            if (limit is not { } expected || took <= expected)
            {
                continue;
            }
            await notifications.CreateAsync(new NewNotification(
                $"{run.WorkflowName} is taking long",
                $"This run has been going for {took:hh\\:mm\\:ss}, longer than the {expected:hh\\:mm\\:ss} it should take. Open it to see which step it is on.",
                NotificationType.Warning, NotificationPriority.Normal, run.Id, run.WorkflowId, StableId.Within(run.Id, "long-running")), ct);
            raised++;
        }
        return raised;
    }

    private async Task<TimeSpan?> ExpectedLimitAsync(DeskDbContext db, Guid workflowId, int version, CancellationToken ct)
    {
        var definition = await db.WorkflowVersions.AsNoTracking()
            .Where(v => v.WorkflowId == workflowId && v.Version == version).Select(v => v.DefinitionJson).SingleOrDefaultAsync(ct);
        if (definition is not null && cache.GetOrCompile(workflowId, version, definition).Definition.Settings?.ExpectedDuration is { } expected)
        {
            return expected;
        }
        var durations = await db.Executions.AsNoTracking()
            .Where(e => e.WorkflowId == workflowId && e.Status == ExecutionStatus.Succeeded && e.DurationMs != null)
            .OrderByDescending(e => e.CreatedAt).Take(200).Select(e => e.DurationMs!.Value).ToListAsync(ct);
        if (durations.Count < MinimumHistory)
        {
            return null;
        }
        durations.Sort();
        var p95 = durations[(int)Math.Ceiling(durations.Count * 0.95) - 1];
        var limit = TimeSpan.FromMilliseconds(3 * p95);
        return limit > ShortestLimit ? limit : ShortestLimit;
    }
}
