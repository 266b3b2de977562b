namespace AutomationDesk.Core.Execution;

/// <summary>The life cycle of one execution of a workflow.</summary>
public enum ExecutionStatus
{
    Queued,
    Running,
    Waiting,
    Paused,
    Retrying,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
    Skipped,
    /// <summary>A scheduled fire that did not happen (the desk was down, the job was lost); kept with the reason.</summary>
    Missed,
}

/// <summary>The life cycle of one step within an execution.</summary>
public enum StepStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
    Waiting,
    Retrying,
    Cancelled,
}

public static class ExecutionStatusExtensions
{
    public static bool IsFinal(this ExecutionStatus status) => status is ExecutionStatus.Succeeded
        or ExecutionStatus.Failed or ExecutionStatus.Cancelled or ExecutionStatus.TimedOut or ExecutionStatus.Skipped
        or ExecutionStatus.Missed;

    public static bool IsFinal(this StepStatus status) => status is StepStatus.Succeeded
        or StepStatus.Failed or StepStatus.Skipped or StepStatus.Cancelled;
}
