using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Web.Hubs;

/// <summary>What the server calls on a live-channel client. Shapes are those of the REST API.</summary>
public interface IDeskClient
{
    Task ExecutionChanged(ExecutionSummary execution);

    Task StepChanged(StepRunView step);

    Task NotificationCreated(NotificationView notification);

    Task ScheduleChanged(ScheduleView schedule);

    /// <summary>The named connection changed or was tested; read it again (it may be gone).</summary>
    Task ConnectionChanged(string name);
}
