namespace AutomationDesk.Core.Workflows;

/// <summary>One saved version of a workflow's definition; never changed once written.</summary>
public sealed class WorkflowVersion
{
    public Guid WorkflowId { get; set; }
    public int Version { get; set; }
    public string DefinitionJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
}
