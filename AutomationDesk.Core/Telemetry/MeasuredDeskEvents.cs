using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Core.Telemetry;

/// <summary>
/// Every change of a run and a step is announced here once, after the commit that made it, whoever made it (the runner,
/// a cancel, a dispatch failure, a skipped fire). So this is where runs and steps are counted and traced, without a
/// line in the engine: the host wraps its own <see cref="IDeskEvents"/> in it.
/// </summary>
public sealed class MeasuredDeskEvents(IDeskEvents inner, DeskMetrics metrics, RunTraces traces) : IDeskEvents
{
    public async Task ExecutionChangedAsync(ExecutionSummary execution, CancellationToken ct)
    {
        // Counted before it is announced: whoever waits for the announcement (execute?wait=true) finds it counted.
        var ended = execution.Status.IsFinal();
        if (ended)
        {
            metrics.RunEnded(execution);
        }
        await inner.ExecutionChangedAsync(execution, ct);
        if (ended)
        {
            await traces.RunEndedAsync(execution, ct);
        }
    }

    public Task StepChangedAsync(StepRunView step, CancellationToken ct)
    {
        // Retrying: an attempt ended in failure and another will follow; each attempt is a measured duration.
        if (step.Status is StepStatus.Succeeded or StepStatus.Failed or StepStatus.Cancelled or StepStatus.Retrying)
        {
            metrics.StepEnded(step);
        }
        return inner.StepChangedAsync(step, ct);
    }

    public Task NotificationCreatedAsync(NotificationView notification, CancellationToken ct) => inner.NotificationCreatedAsync(notification, ct);

    public Task ScheduleChangedAsync(ScheduleView schedule, CancellationToken ct) => inner.ScheduleChangedAsync(schedule, ct);

    public Task ConnectionChangedAsync(string name, CancellationToken ct) => inner.ConnectionChangedAsync(name, ct);
}
