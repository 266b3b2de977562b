using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Web.Components.Pages.Audit;

/// <summary>
/// An audited workflow or run shown by name, linking to its editor or run page. Targets are stored as
/// <c>workflow:{id}</c> and <c>execution:{id}</c>; a deleted one has no link, and the page shows its id.
/// </summary>
public sealed record AuditTargetLink(string Href, string Text)
{
    private const string Workflow = "workflow:";
    private const string Execution = "execution:";

    /// <summary>Names for the targets of one page: one query for the workflows, one for the runs.</summary>
    public static async Task<Dictionary<string, AuditTargetLink>> ResolveAsync(DeskDbContext db, IEnumerable<string> targets, CancellationToken ct)
    {
        var distinct = targets.Distinct(StringComparer.Ordinal).ToList();
        var workflowIds = IdsOf(distinct, Workflow);
        var executionIds = IdsOf(distinct, Execution);
        var links = new Dictionary<string, AuditTargetLink>(StringComparer.Ordinal);
        if (workflowIds.Count > 0)
        {
            foreach (var w in await db.Workflows.AsNoTracking().Where(w => workflowIds.Contains(w.Id)).Select(w => new { w.Id, w.Name }).ToListAsync(ct))
            {
                links[Workflow + w.Id] = new AuditTargetLink($"workflows/{w.Id}", w.Name);
            }
        }
        if (executionIds.Count > 0)
        {
            foreach (var e in await db.Executions.AsNoTracking().Where(e => executionIds.Contains(e.Id)).Select(e => new { e.Id, e.WorkflowName }).ToListAsync(ct))
            {
                links[Execution + e.Id] = new AuditTargetLink($"executions/{e.Id}", $"{e.WorkflowName} · run {e.Id.ToString()[^8..]}");
            }
        }
        return links;
    }

    private static List<Guid> IdsOf(IEnumerable<string> targets, string prefix) =>
        targets.Where(t => t.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => Guid.TryParse(t.AsSpan(prefix.Length), out var id) ? id : (Guid?)null)
            .OfType<Guid>().ToList();
}
