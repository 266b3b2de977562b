namespace AutomationDesk.Core.Execution;

/// <summary>A business key of a run (<c>settings.keys</c>), stored indexed so runs can be found by it.</summary>
public sealed class ExecutionKey
{
    public Guid ExecutionId { get; set; }
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}
