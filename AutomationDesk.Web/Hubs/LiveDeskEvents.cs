using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using Microsoft.AspNetCore.SignalR;

namespace AutomationDesk.Web.Hubs;

/// <summary>
/// Web's side of <see cref="IDeskEvents"/>: each change goes to the hub groups that asked for it, and to
/// in-process listeners (open pages, API calls waiting for a run to end).
/// </summary>
public sealed class LiveDeskEvents(IHubContext<DeskHub, IDeskClient> hub) : IDeskEvents
{
    public event Action<ExecutionSummary>? ExecutionChanged;
    public event Action<StepRunView>? StepChanged;
    public event Action<NotificationView>? NotificationCreated;

    public async Task ExecutionChangedAsync(ExecutionSummary execution, CancellationToken ct)
    {
        ExecutionChanged?.Invoke(execution);
        await hub.Clients.Groups(DeskHub.Topics.Executions, DeskHub.Topics.Execution(execution.Id)).ExecutionChanged(execution);
    }

    public async Task StepChangedAsync(StepRunView step, CancellationToken ct)
    {
        StepChanged?.Invoke(step);
        await hub.Clients.Group(DeskHub.Topics.Execution(step.ExecutionId)).StepChanged(step);
    }

    public async Task NotificationCreatedAsync(NotificationView notification, CancellationToken ct)
    {
        NotificationCreated?.Invoke(notification);
        await hub.Clients.Group(DeskHub.Topics.Notifications).NotificationCreated(notification);
    }
}
