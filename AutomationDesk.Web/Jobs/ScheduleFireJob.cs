using AutomationDesk.Core.Triggers;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// The recurring job <c>workflow:{id}</c>: fires the schedule for the due time that has come. A repeat is harmless:
/// the due time is claimed before anything starts.
/// </summary>
[AutomaticRetry(Attempts = 2)]
public sealed class ScheduleFireJob(ScheduleFiring firing, HeldRunRelease release)
{
    [WorkflowJobName("Schedule: {0}", WorkflowJobSubject.Workflow)]
    public async Task ExecuteAsync(Guid workflowId, CancellationToken ct)
    {
        if ((await firing.FireAsync(workflowId, ct)).Outcome == FireOutcome.Held)
        {
            release.Follow(workflowId);
        }
    }

    [WorkflowJobName("Release held runs: {0}", WorkflowJobSubject.Workflow)]
    public Task ReleaseAsync(Guid workflowId, CancellationToken ct) => firing.ReleaseHeldAsync(workflowId, ct);
}
