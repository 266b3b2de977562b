using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Workflows;

public enum BulkAction
{
    [JsonStringEnumMemberName("enable")] Enable,
    [JsonStringEnumMemberName("disable")] Disable,
    [JsonStringEnumMemberName("archive")] Archive,
    [JsonStringEnumMemberName("delete")] Delete,
    [JsonStringEnumMemberName("export")] Export,
}

public sealed record BulkOutcome(Guid Id, string Name, string Outcome);

/// <summary>
/// Enables, disables, archives or deletes many workflows. Every id is checked first, so an unknown one stops the
/// whole request before anything changes; each workflow then changes through <see cref="WorkflowStore"/> like a
/// change made one at a time. There is no archived state: archiving disables the workflow and tags it
/// <c>archived</c>, so the list's tag filter finds archived workflows and enabling one brings it back.
/// </summary>
public sealed class WorkflowBulk(IDbContextFactory<DeskDbContext> dbFactory, WorkflowStore store)
{
    public const string ArchivedTag = "archived";

    public async Task<IReadOnlyList<BulkOutcome>> ApplyAsync(BulkAction action, IReadOnlyList<Guid> ids, Actor actor, CancellationToken ct)
    {
        if (action == BulkAction.Export)
        {
            throw new ArgumentException("An export is written by WorkflowExporter.", nameof(action));
        }
        var workflows = await WorkflowExporter.FindAsync(ids, dbFactory, ct);
        var outcomes = new List<BulkOutcome>();
        foreach (var workflow in workflows)
        {
            var outcome = action switch
            {
                BulkAction.Enable => await SetEnabledAsync(workflow, true, actor, ct),
                BulkAction.Disable => await SetEnabledAsync(workflow, false, actor, ct),
                BulkAction.Archive => await ArchiveAsync(workflow, actor, ct),
                _ => await store.DeleteAsync(workflow.Id, actor, ct) ? "deleted" : "gone",
            };
            outcomes.Add(new BulkOutcome(workflow.Id, workflow.Name, outcome));
        }
        return outcomes;
    }

    private async Task<string> SetEnabledAsync(Workflow workflow, bool enabled, Actor actor, CancellationToken ct)
    {
        if (workflow.Enabled == enabled)
        {
            return "unchanged";
        }
        return await store.SetEnabledAsync(workflow.Id, enabled, actor, ct) is null ? "gone" : enabled ? "enabled" : "disabled";
    }

    private async Task<string> ArchiveAsync(Workflow workflow, Actor actor, CancellationToken ct)
    {
        if (!workflow.Enabled && workflow.Tags.Contains(ArchivedTag))
        {
            return "unchanged";
        }
        if (await store.GetAsync(workflow.Id, ct) is not { } current)
        {
            return "gone";
        }
        var tags = current["tags"] as JsonArray ?? [];
        if (!tags.Any(t => t?.GetValue<string>() == ArchivedTag))
        {
            tags.Add(ArchivedTag);
        }
        current["tags"] = tags.DeepClone();
        current["enabled"] = false;
        return await store.UpdateAsync(workflow.Id, current.ToJsonString(), actor, ct) is null ? "gone" : "archived";
    }
}
