using System.Collections.Concurrent;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Tests.Support;

/// <summary>Keeps every change Core announces, in order, for tests to read.</summary>
public sealed class RecordingDeskEvents : IDeskEvents
{
    public ConcurrentQueue<ExecutionSummary> Executions { get; } = new();
    public ConcurrentQueue<StepRunView> Steps { get; } = new();
    public ConcurrentQueue<NotificationView> Notifications { get; } = new();
    public ConcurrentQueue<ScheduleView> Schedules { get; } = new();
    public ConcurrentQueue<string> Connections { get; } = new();

    public Task ExecutionChangedAsync(ExecutionSummary execution, CancellationToken ct)
    {
        Executions.Enqueue(execution);
        return Task.CompletedTask;
    }

    public Task StepChangedAsync(StepRunView step, CancellationToken ct)
    {
        Steps.Enqueue(step);
        return Task.CompletedTask;
    }

    public Task NotificationCreatedAsync(NotificationView notification, CancellationToken ct)
    {
        Notifications.Enqueue(notification);
        return Task.CompletedTask;
    }

    public Task ScheduleChangedAsync(ScheduleView schedule, CancellationToken ct)
    {
        Schedules.Enqueue(schedule);
        return Task.CompletedTask;
    }

    public Task ConnectionChangedAsync(string name, CancellationToken ct)
    {
        Connections.Enqueue(name);
        return Task.CompletedTask;
    }
}
