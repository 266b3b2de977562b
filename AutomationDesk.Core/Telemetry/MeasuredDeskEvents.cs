using System.Collections.Concurrent;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;

namespace AutomationDesk.Core.Telemetry;

/// <summary>
/// Every change of a run and a step is announced here once, after the commit that made it, whoever made it (the runner,
/// a cancel, a dispatch failure, a skipped fire). So this is where runs and steps are counted and traced, without a
/// line in the engine: the host wraps its own <see cref="IDeskEvents"/> in it. A run that has ended may be announced
/// again (taken off the dead-letter list, retried): the runs it has counted are remembered (the last
/// <see cref="Remembered"/>), so such a run is not counted, or traced, twice. Drawing the trace never stops the
/// announcement's caller (the runner goes on to notify, wake a parent and start error workflows after it).
/// </summary>
public sealed class MeasuredDeskEvents(IDeskEvents inner, DeskMetrics metrics, RunTraces traces) : IDeskEvents
{
    public const int Remembered = 65_536;

    private readonly ConcurrentDictionary<Guid, byte> _counted = new();
    private readonly ConcurrentQueue<Guid> _countedOrder = new();

    public async Task ExecutionChangedAsync(ExecutionSummary execution, CancellationToken ct)
    {
        // Counted before it is announced: whoever waits for the announcement (execute?wait=true) finds it counted.
        var ended = execution.Status.IsFinal() && FirstEnd(execution.Id);
        if (ended)
        {
            metrics.RunEnded(execution);
        }
        await inner.ExecutionChangedAsync(execution, ct);
        if (ended)
        {
            try
            {
                await traces.RunEndedAsync(execution, CancellationToken.None);
            }
#pragma warning disable CA1031 // A trace that cannot be drawn is lost; the run's ending goes on.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private bool FirstEnd(Guid id)
    {
        if (!_counted.TryAdd(id, 0))
        {
            return false;
        }
        _countedOrder.Enqueue(id);
        while (_countedOrder.Count > Remembered && _countedOrder.TryDequeue(out var oldest))
        {
            _counted.TryRemove(oldest, out _);
        }
        return true;
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
