namespace AutomationDesk.Core.Pinned;

/// <summary>
/// The last output of one step of a workflow, kept so the editor can build from real data: template suggestions, the
/// preview beside a field, and "Execute this step" read it. The trigger a run started with is kept the same way under
/// <see cref="PinnedOutputs.TriggerKey"/>, which no step id can be. Removed with its workflow.
/// </summary>
public sealed class PinnedStepOutput
{
    public long Id { get; set; }
    public Guid WorkflowId { get; set; }
    public string StepId { get; set; } = "";

    /// <summary>The output as stored JSON (already masked when its run wrote it), at most <see cref="PinnedOutputs.MaxOutputChars"/>.</summary>
    public string OutputJson { get; set; } = "null";

    /// <summary>The run it was taken from; null when "Execute this step" produced it.</summary>
    public Guid? SourceExecutionId { get; set; }
    public DateTimeOffset PinnedAt { get; set; }
}
