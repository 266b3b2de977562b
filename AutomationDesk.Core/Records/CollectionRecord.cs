namespace AutomationDesk.Core.Records;

/// <summary>A JSON record in a named collection, written by <c>record.create</c>.</summary>
public sealed class CollectionRecord
{
    public Guid Id { get; set; }
    public string Collection { get; set; } = "";
    public string DataJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public Guid? ExecutionId { get; set; }
}
