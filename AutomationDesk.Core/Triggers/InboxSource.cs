namespace AutomationDesk.Core.Triggers;

/// <summary>A sender an Admin lets post to <c>/api/webhooks/inbox/{name}</c>: how it signs and where its event type is.</summary>
public sealed class InboxSource
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The preset it was made from (<c>github</c>, <c>n8n</c>, <c>custom</c>).</summary>
    public string Preset { get; set; } = "custom";
    /// <summary>The signing secret, or <c>${secrets.name}</c>; empty means unsigned requests are accepted.</summary>
    public string Secret { get; set; } = "";
    /// <summary><c>hmac-sha256</c>, <c>stripe</c>, <c>standard-webhooks</c> or <c>none</c>.</summary>
    public string SignatureScheme { get; set; } = "hmac-sha256";
    public string? SignatureHeader { get; set; }
    /// <summary>A header that names the event type (GitHub's <c>X-GitHub-Event</c>).</summary>
    public string? EventTypeHeader { get; set; }
    /// <summary>A JSON path in the body that names the event type, used when no header is set.</summary>
    public string? EventTypePath { get; set; }
    /// <summary>A header whose value identifies a delivery (GitHub's <c>X-GitHub-Delivery</c>): a repeat within 24 h starts nothing.</summary>
    public string? DedupHeader { get; set; }
    /// <summary>A JSON path in the body that identifies a delivery, used when no dedup header is set.</summary>
    public string? DedupPath { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Routes inbox events of one source (and event type, or <c>*</c>) to a workflow, optionally only when a condition holds.</summary>
public sealed class InboxRule
{
    public Guid Id { get; set; }
    public string Source { get; set; } = "";
    public string EventType { get; set; } = "*";
    /// <summary>A structured condition or template over <c>trigger.*</c> (WORKFLOW-FORMAT.md), as JSON; null = always.</summary>
    public string? ConditionJson { get; set; }
    public Guid WorkflowId { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}
