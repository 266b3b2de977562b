namespace AutomationDesk.Core.Workflows;

/// <summary>A stored workflow: its current definition and the columns lists filter on.</summary>
public sealed class Workflow
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public List<string> Tags { get; set; } = [];
    public bool Enabled { get; set; } = true;
    public string TriggerType { get; set; } = "manual";
    public int Version { get; set; }
    public string DefinitionJson { get; set; } = "{}";
    /// <summary>The secret path segment of this workflow's webhook URL (256 bits, base64url); null until it has a webhook.</summary>
    public string? WebhookToken { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
