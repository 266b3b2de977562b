namespace AutomationDesk.Core.Execution;

/// <summary>What an <see cref="ExecutionEvent"/> describes, and the name of its server-sent event.</summary>
public static class ExecutionEventKinds
{
    public const string Execution = "execution";
    public const string Step = "step";
    public const string Log = "log";
}

/// <summary>
/// One change of a run, stored in the same commit as the change it describes, so a client that lost its connection
/// replays exactly what it missed (<c>GET /api/v1/executions/{id}/events</c> with <c>Last-Event-ID</c>). Deleted with its
/// run.
/// </summary>
public sealed class ExecutionEvent
{
    /// <summary>Across all runs, in the order they were written: the id of the all-runs stream (<c>/events?topic=executions</c>).</summary>
    public long Id { get; set; }

    public Guid ExecutionId { get; set; }

    /// <summary>1, 2, 3… within one run, with no gap: the id of the run's own stream.</summary>
    public long Sequence { get; set; }

    /// <summary><see cref="ExecutionEventKinds"/>: <c>execution</c>, <c>step</c> or <c>log</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>What happened, as <c>&lt;kind&gt;.&lt;state&gt;</c>: <c>execution.running</c>, <c>step.succeeded</c>, <c>log.warning</c>.</summary>
    public string EventType { get; set; } = "";

    public DateTimeOffset Time { get; set; }

    /// <summary>The run's status, progress and current step when the event was written.</summary>
    public ExecutionStatus Status { get; set; }
    public int Progress { get; set; }
    public string? CurrentStepId { get; set; }

    /// <summary>The execution summary, the step (without its input and output) or the log row, as JSON.</summary>
    public string DataJson { get; set; } = "{}";
}
