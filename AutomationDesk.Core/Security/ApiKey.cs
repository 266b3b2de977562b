namespace AutomationDesk.Core.Security;

/// <summary>A key for scripts. Only a SHA-256 hash of the key is stored; the key is shown once.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>The first characters of the key, to tell keys apart in a list.</summary>
    public string Prefix { get; set; } = "";
    public string Hash { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
