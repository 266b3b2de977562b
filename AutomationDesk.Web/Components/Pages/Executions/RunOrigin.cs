using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Executions;

/// <summary>
/// The run another one came from, as the run header names it: the parent's workflow, and for a sub-workflow's run the
/// step that started it and its foreach item. It never changes, so the page reads it once.
/// </summary>
public sealed record RunOrigin(Guid ParentId, string ParentWorkflowName, string? StepId, int? ItemIndex)
{
    public static async Task<RunOrigin?> LoadAsync(DeskDbContext db, Guid executionId, Guid parentId)
    {
        var child = await db.Executions.AsNoTracking().Where(e => e.Id == executionId).Select(e => new { e.ParentStepId, e.ItemIndex }).SingleOrDefaultAsync();
        var parentName = await db.Executions.AsNoTracking().Where(e => e.Id == parentId).Select(e => e.WorkflowName).SingleOrDefaultAsync();
        return child is null ? null : new RunOrigin(parentId, parentName ?? "a deleted run", child.ParentStepId, child.ItemIndex);
    }
}
