using System.Text.Json.Serialization;

namespace AutomationDesk.Core.Connections;

/// <summary>How a connection field is entered in the form.</summary>
public enum ConnectionFieldKind
{
    [JsonStringEnumMemberName("text")] Text,
    [JsonStringEnumMemberName("url")] Url,
    [JsonStringEnumMemberName("number")] Number,
    [JsonStringEnumMemberName("choice")] Choice,
    [JsonStringEnumMemberName("flag")] Flag,
    [JsonStringEnumMemberName("secret")] Secret,
}

/// <summary>
/// One field of a connection type, as the API lists it and the Connections page draws it. <see cref="ShownWhen"/>
/// names another field and the values for which this one applies (an <c>http</c> connection's <c>tokenUrl</c> only
/// for the OAuth2 schemes).
/// </summary>
public sealed record ConnectionField(string Name, string Label, ConnectionFieldKind Kind = ConnectionFieldKind.Text)
{
    public bool Required { get; init; }
    public string? Default { get; init; }
    public IReadOnlyList<string> Choices { get; init; } = [];
    public string? Help { get; init; }
    public string? Placeholder { get; init; }
    public (string Field, IReadOnlyList<string> Values)? ShownWhen { get; init; }

    public bool AppliesTo(Func<string, string?> valueOf) =>
        ShownWhen is not { } when || when.Values.Contains(valueOf(when.Field) ?? "", StringComparer.Ordinal);
}
