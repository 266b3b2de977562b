namespace AutomationDesk.Core.Triggers;

/// <summary>
/// An idempotency key a webhook already honoured: unique per workflow, written in the same transaction as the run it
/// started, so two requests with one key make one run even when they arrive together.
/// </summary>
public sealed class WebhookReceipt
{
    public Guid WorkflowId { get; set; }
    public string Key { get; set; } = "";
    /// <summary>SHA-256 of the body (hex): the same key with another body is a conflict, not a repeat.</summary>
    public string BodyHash { get; set; } = "";
    public Guid ExecutionId { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
}
