namespace AutomationDesk.Core.Triggers;

/// <summary>
/// What the desk knows about one schedule workflow between fires: whether a person paused it, the last due time it
/// handled (fired, skipped or recorded as missed) and its last success, so misfires and silence can be worked out
/// from the database after a restart.
/// </summary>
public sealed class ScheduleState
{
    public Guid WorkflowId { get; set; }
    public bool Paused { get; set; }
    /// <summary>The last due time the desk dealt with; the next one to expect comes after it.</summary>
    public DateTimeOffset? LastFireAt { get; set; }
    public Guid? LastExecutionId { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    /// <summary>When the <c>alertAfter</c> notification was raised; cleared by the next success so it is raised once.</summary>
    public DateTimeOffset? SilenceAlertedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
