namespace AutomationDesk.Core.Triggers;

/// <summary>
/// Keeps a workflow's recurring trigger in step with the stored workflow: registered while it is an enabled, unpaused
/// schedule, removed otherwise. Web implements it with Hangfire recurring jobs named <c>workflow:{id}</c>.
/// </summary>
public interface IScheduleRegistry
{
    Task SyncAsync(Guid workflowId, CancellationToken ct);
}
