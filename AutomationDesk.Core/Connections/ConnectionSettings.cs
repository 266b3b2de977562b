using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// A connection as a step or a test uses it: its non-secret config and its secrets in clear. Lives only as long as
/// the call that needed it; the run's masker is given every secret here (see <see cref="ConnectionStore.SecretValuesAsync"/>).
/// </summary>
public sealed record ConnectionSettings(string Name, string Type, JsonObject Config, IReadOnlyDictionary<string, string> Secrets)
{
    /// <summary>The config field every type may carry: an Admin lets this connection reach its own host on an internal network.</summary>
    public const string AllowPrivateNetworkField = "allowPrivateNetwork";

    public string? Text(string field) => JsonNodeText.TextOrNull(Config[field]) is { Length: > 0 } text
        ? text
        : Config[field] is JsonValue value && value.GetValueKind() is System.Text.Json.JsonValueKind.Number ? value.ToJsonString() : null;

    public string TextOr(string field, string fallback) => Text(field) ?? fallback;

    public int? Int(string field) => int.TryParse(Text(field), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public bool Flag(string field) => Config[field] is JsonValue value && (value.TryGetValue<bool>(out var b) ? b : Text(field) is "true");

    public string? Secret(string field) => Secrets.TryGetValue(field, out var value) && value.Length > 0 ? value : null;

    public bool AllowPrivateNetwork => Flag(AllowPrivateNetworkField);

    /// <summary>The base URL with no trailing slash, or null when the type has none or it is empty.</summary>
    public string? BaseUrl(string field = "baseUrl") => Text(field)?.TrimEnd('/');
}
