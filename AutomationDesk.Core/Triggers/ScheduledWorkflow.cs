using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>A stored workflow whose trigger is a schedule, read with its calendar.</summary>
public sealed record ScheduledWorkflow(Guid WorkflowId, string Name, int Version, bool Enabled, DateTimeOffset CreatedAt, ScheduleTrigger Trigger, ScheduleCalendar Calendar)
{
    /// <summary>The schedule as its definition spells it: the cron, or <c>every 00:30:00</c>.</summary>
    public string Expression => Trigger.Cron is { Length: > 0 } cron ? cron : $"every {Trigger.Every}";

    /// <summary>Every schedule workflow (enabled or not), or only the named ones.</summary>
    public static async Task<List<ScheduledWorkflow>> LoadAsync(DeskDbContext db, CompiledWorkflowCache cache, IReadOnlyCollection<Guid>? ids, CancellationToken ct)
    {
        var query = db.Workflows.AsNoTracking().Where(w => w.TriggerType == TriggerTypes.Schedule);
        if (ids is not null)
        {
            query = query.Where(w => ids.Contains(w.Id));
        }
        var rows = await query.Select(w => new { w.Id, w.Name, w.Version, w.Enabled, w.CreatedAt, w.DefinitionJson }).ToListAsync(ct);
        var result = new List<ScheduledWorkflow>(rows.Count);
        foreach (var row in rows)
        {
            // Validation refuses a schedule without a readable calendar, so a stored one always has one.
            if (cache.GetOrCompile(row.Id, row.Version, row.DefinitionJson).Definition.Trigger.Schedule is { } trigger
                && ScheduleCalendar.TryCreate(trigger, out var calendar, out _, out _))
            {
                result.Add(new ScheduledWorkflow(row.Id, row.Name, row.Version, row.Enabled, row.CreatedAt, trigger, calendar));
            }
        }
        return result;
    }

    public static async Task<ScheduledWorkflow?> LoadAsync(DeskDbContext db, CompiledWorkflowCache cache, Guid id, CancellationToken ct) =>
        (await LoadAsync(db, cache, [id], ct)).SingleOrDefault();
}
