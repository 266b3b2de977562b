using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Core.Live;

/// <summary>The one place that announces changes. Web forwards them to SignalR and to open pages.</summary>
public interface IDeskEvents
{
    Task ExecutionChangedAsync(ExecutionSummary execution, CancellationToken ct);

    Task StepChangedAsync(StepRunView step, CancellationToken ct);

    Task NotificationCreatedAsync(NotificationView notification, CancellationToken ct);

    /// <summary>A schedule was paused, resumed, fired, skipped or missed a fire.</summary>
    Task ScheduleChangedAsync(ScheduleView schedule, CancellationToken ct);

    /// <summary>A connection was created, changed, deleted or tested (by a person or the background refresh).</summary>
    Task ConnectionChangedAsync(string name, CancellationToken ct);
}
