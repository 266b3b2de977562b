using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Triggers;

/// <summary>
/// A source as an Admin sends it. A null field takes the preset's value; an empty header or path means none.
/// A null <see cref="Secret"/> or <c>***</c> keeps the stored one on update (the API never shows it); an empty one
/// removes it. A secret typed in is stored encrypted.
/// </summary>
public sealed record InboxSourceInput(
    string? Name, string? Preset = null, string? Secret = null, string? SignatureScheme = null, string? SignatureHeader = null,
    string? EventTypeHeader = null, string? EventTypePath = null, bool? Enabled = null)
{
    /// <summary>A header naming each delivery, so a repeat within 24 h starts nothing; null takes the preset's, empty means none.</summary>
    public string? DedupHeader { get; init; }
    /// <summary>A JSON body path naming each delivery, used when no dedup header is set; null or empty means none.</summary>
    public string? DedupPath { get; init; }
}

/// <summary>A source as the API and the page show it: whether a secret is set, never its value (a <c>${secrets.x}</c> reference is shown as is).</summary>
public sealed record InboxSourceView(
    Guid Id, string Name, string Preset, string SignatureScheme, string? SignatureHeader, string? EventTypeHeader, string? EventTypePath,
    bool Enabled, bool SecretSet, string? SecretReference, string ReceiverPath, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Where the event type is read: a header, a body path, or the fixed <c>custom</c>.</summary>
    public string EventTypeFrom => EventTypeHeader is { } header ? $"header {header}" : EventTypePath is { } path ? $"body {path}" : "custom";

    public static InboxSourceView From(InboxSource s) => new(
        s.Id, s.Name, s.Preset, s.SignatureScheme, s.SignatureHeader, s.EventTypeHeader, s.EventTypePath, s.Enabled,
        s.Secret.Length > 0, InboxStore.IsSecretReference(s.Secret) ? s.Secret : null, InboxStore.ReceiverPath(s.Name), s.CreatedAt, s.UpdatedAt)
    {
        DedupHeader = s.DedupHeader,
        DedupPath = s.DedupPath,
    };

    /// <summary>The header that names each delivery; a repeat within 24 h is recorded as a duplicate and starts nothing.</summary>
    public string? DedupHeader { get; init; }
    /// <summary>The JSON body path that names each delivery, when no header is set.</summary>
    public string? DedupPath { get; init; }
}

/// <summary>A rule as an Admin sends it; <see cref="Condition"/> is JSON text (a structured condition or a template string), null for always.</summary>
public sealed record InboxRuleInput(string? Source, string? EventType, string? Condition, Guid? WorkflowId, bool? Enabled = null);

public sealed record InboxRuleView(
    Guid Id, string Source, string EventType, JsonNode? Condition, Guid WorkflowId, string? WorkflowName, bool Enabled, DateTimeOffset CreatedAt);
