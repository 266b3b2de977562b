namespace AutomationDesk.Core.Execution;

public enum LogLevelName { Debug, Information, Warning, Error }

/// <summary>Where a log row comes from.</summary>
public enum LogDomain { Trigger, Step, Delivery, System }

/// <summary>A structured log row of one execution.</summary>
public sealed class ExecutionLog
{
    public long Id { get; set; }
    public Guid ExecutionId { get; set; }
    public DateTimeOffset Time { get; set; }
    public LogLevelName Level { get; set; }
    public LogDomain Domain { get; set; }
    public string? StepId { get; set; }
    public string Message { get; set; } = "";
    public string? DataJson { get; set; }
}
