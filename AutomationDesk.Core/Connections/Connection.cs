using System.Text.Json.Serialization;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// A named, typed set of settings and credentials for an outside service. <see cref="ConfigJson"/> is what anyone may
/// read; <see cref="ProtectedSecrets"/> (a JSON object of the type's secret fields) and <see cref="ProtectedTokens"/>
/// (OAuth2 tokens the desk fetched) are encrypted with Data Protection and never leave <see cref="ConnectionStore"/>.
/// </summary>
public sealed class Connection
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public string ConfigJson { get; set; } = "{}";
    public string ProtectedSecrets { get; set; } = "";
    public string? ProtectedTokens { get; set; }
    public ConnectionHealth Health { get; set; } = ConnectionHealth.Unknown;
    public DateTimeOffset? CheckedAt { get; set; }
    public string? HealthDetail { get; set; }
    public int? LatencyMs { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What the last test found; <c>unknown</c> until a connection is tested (and again after it is changed).</summary>
public enum ConnectionHealth
{
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("ok")] Ok,
    [JsonStringEnumMemberName("failing")] Failing,
}
