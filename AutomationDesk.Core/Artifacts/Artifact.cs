namespace AutomationDesk.Core.Artifacts;

/// <summary>A file a run produced (an image ComfyUI rendered, an email attachment), kept under the artifacts folder.</summary>
public sealed class Artifact
{
    public Guid Id { get; set; }
    public Guid ExecutionId { get; set; }
    public string StepId { get; set; } = "";
    public string Name { get; set; } = "";
    public string ContentType { get; set; } = "application/octet-stream";
    public long Size { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
