namespace AutomationDesk.Core.Execution;

/// <summary>The checkpoint of one step of one execution, written when the step ends.</summary>
public sealed class StepRun
{
    public Guid Id { get; set; }
    public Guid ExecutionId { get; set; }
    public string StepId { get; set; } = "";
    public string Type { get; set; } = "";
    public string Name { get; set; } = "";
    public int Position { get; set; }
    public StepStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public string? InputJson { get; set; }
    public string? OutputJson { get; set; }
    public string? ErrorHuman { get; set; }
    public string? ErrorTech { get; set; }

    /// <summary>For a waiting step (delay): when it may finish.</summary>
    public DateTimeOffset? ResumeAt { get; set; }
}
