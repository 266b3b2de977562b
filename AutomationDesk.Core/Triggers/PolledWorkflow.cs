using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Triggers;

/// <summary>A stored workflow whose trigger the desk polls: an <c>email</c> or a <c>file</c> trigger.</summary>
public sealed record PolledWorkflow(Guid WorkflowId, string Name, bool Enabled, string Kind, EmailTrigger? Email, FileTrigger? File)
{
    public static readonly IReadOnlyList<string> Kinds = [TriggerTypes.Email, TriggerTypes.File];

    public TimeSpan Every => Email?.Every ?? File!.Every;

    /// <summary>What the trigger reads, as the schedules page shows it and as its cursor is keyed: <c>inbox/INBOX</c>, <c>incoming</c>.</summary>
    public string Source => Email is { } email ? $"{email.Connection}/{email.Folder}" : File!.Folder;

    /// <summary>Every polled workflow (enabled or not), or only the named ones.</summary>
    public static async Task<List<PolledWorkflow>> LoadAsync(DeskDbContext db, CompiledWorkflowCache cache, IReadOnlyCollection<Guid>? ids, CancellationToken ct)
    {
        var query = db.Workflows.AsNoTracking().Where(w => Kinds.Contains(w.TriggerType));
        if (ids is not null)
        {
            query = query.Where(w => ids.Contains(w.Id));
        }
        var rows = await query.Select(w => new { w.Id, w.Name, w.Version, w.Enabled, w.DefinitionJson }).ToListAsync(ct);
        var result = new List<PolledWorkflow>(rows.Count);
        foreach (var row in rows)
        {
            var trigger = cache.GetOrCompile(row.Id, row.Version, row.DefinitionJson).Definition.Trigger;
            // Validation refuses an email or file trigger without its section, so a stored one always has it.
            if (trigger.Email is not null || trigger.File is not null)
            {
                result.Add(new PolledWorkflow(row.Id, row.Name, row.Enabled, trigger.Type, trigger.Email, trigger.File));
            }
        }
        return result;
    }
}
