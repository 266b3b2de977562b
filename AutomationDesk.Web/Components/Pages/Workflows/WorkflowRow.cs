using AutomationDesk.Core.Execution;

namespace AutomationDesk.Web.Components.Pages.Workflows;

/// <summary>A workflow as the list shows it: with its last run and how often its finished runs succeeded.</summary>
public sealed record WorkflowRow(
    Guid Id, string Name, string? Description, IReadOnlyList<string> Tags, bool Enabled, string TriggerType, int Version,
    DateTimeOffset UpdatedAt, Guid? LastRunId, ExecutionStatus? LastStatus, DateTimeOffset? LastRunAt, int Finished, int Succeeded)
{
    /// <summary>Percent of finished runs that succeeded; null before the first finished run.</summary>
    public int? SuccessRate => Finished == 0 ? null : (int)Math.Round(100.0 * Succeeded / Finished);
}
