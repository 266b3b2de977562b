using System.Collections.Concurrent;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;
using Microsoft.AspNetCore.SignalR;

namespace AutomationDesk.Web.Hubs;

/// <summary>
/// Web's side of <see cref="IDeskEvents"/>: each change goes to the hub groups that asked for it, and to
/// in-process listeners (open pages, API calls waiting for a run to end).
/// </summary>
public sealed class LiveDeskEvents(IHubContext<DeskHub, IDeskClient> hub) : IDeskEvents
{
    /// <summary>Connections subscribed to every execution: they already hear each run, whatever else they subscribed to.</summary>
    private readonly ConcurrentDictionary<string, byte> _allExecutionsListeners = new();

    public event Action<ExecutionSummary>? ExecutionChanged;
    public event Action<StepRunView>? StepChanged;
    public event Action<NotificationView>? NotificationCreated;
    public event Action<ScheduleView>? ScheduleChanged;
    public event Action<string>? ConnectionChanged;

    public async Task ExecutionChangedAsync(ExecutionSummary execution, CancellationToken ct)
    {
        ExecutionChanged?.Invoke(execution);
        // A connection in both topics hears the change once (SignalR's Groups(a, b) would send it twice).
        await Task.WhenAll(
            hub.Clients.Group(DeskHub.Topics.Executions).ExecutionChanged(execution),
            hub.Clients.GroupExcept(DeskHub.Topics.Execution(execution.Id), [.. _allExecutionsListeners.Keys]).ExecutionChanged(execution));
    }

    internal void ListenToAllExecutions(string connectionId, bool listen)
    {
        if (listen)
        {
            _allExecutionsListeners.TryAdd(connectionId, 0);
        }
        else
        {
            _allExecutionsListeners.TryRemove(connectionId, out _);
        }
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

    public async Task ScheduleChangedAsync(ScheduleView schedule, CancellationToken ct)
    {
        ScheduleChanged?.Invoke(schedule);
        await hub.Clients.Group(DeskHub.Topics.Schedules).ScheduleChanged(schedule);
    }

    public async Task ConnectionChangedAsync(string name, CancellationToken ct)
    {
        ConnectionChanged?.Invoke(name);
        await hub.Clients.Group(DeskHub.Topics.Connections).ConnectionChanged(name);
    }
}
