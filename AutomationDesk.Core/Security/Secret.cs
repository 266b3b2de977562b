namespace AutomationDesk.Core.Security;

/// <summary>A named value, encrypted with Data Protection; the clear value never leaves <see cref="SecretStore"/>.</summary>
public sealed class Secret
{
    public string Name { get; set; } = "";
    public string ProtectedValue { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
