namespace AutomationDesk.Core.Auditing;

public enum ActorKind { User, ApiKey, System, Webhook }

/// <summary>An append-only record of a change a person, a key or the system made.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public ActorKind ActorKind { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string Target { get; set; } = "";
    public string? DetailsJson { get; set; }
}
