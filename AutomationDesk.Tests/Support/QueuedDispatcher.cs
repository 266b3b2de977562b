using AutomationDesk.Core.Execution;

namespace AutomationDesk.Tests.Support;

/// <summary>Remembers what was dispatched and when it is due; <see cref="CoreDesk.RunDueWorkAsync"/> runs it.</summary>
public sealed class QueuedDispatcher : IExecutionDispatcher
{
    private readonly Lock _gate = new();
    private readonly List<Dispatch> _pending = [];
    private readonly List<Dispatch> _history = [];

    /// <summary>Every dispatch so far, in order; <see cref="Dispatch.DueAt"/> is null for "now".</summary>
    public IReadOnlyList<Dispatch> History
    {
        get
        {
            lock (_gate)
            {
                return _history.ToList();
            }
        }
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public Task DispatchAsync(Guid executionId, CancellationToken ct) => Add(new Dispatch(executionId, null));

    public Task DispatchAtAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct) => Add(new Dispatch(executionId, dueAt));

    /// <summary>Takes the first dispatch that is due at <paramref name="now"/>, or null.</summary>
    public Guid? TakeDue(DateTimeOffset now)
    {
        lock (_gate)
        {
            var index = _pending.FindIndex(d => d.DueAt is null || d.DueAt <= now);
            if (index < 0)
            {
                return null;
            }
            var due = _pending[index];
            _pending.RemoveAt(index);
            return due.ExecutionId;
        }
    }

    private Task Add(Dispatch dispatch)
    {
        lock (_gate)
        {
            _pending.Add(dispatch);
            _history.Add(dispatch);
        }
        return Task.CompletedTask;
    }

    public sealed record Dispatch(Guid ExecutionId, DateTimeOffset? DueAt);
}
