using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Workflows;

/// <summary>
/// Reads the text of a string-kind JSON value, whatever .NET value it was built from. A node made with
/// <c>JsonValue.Create(Guid)</c> or a <see cref="DateTimeOffset"/> is a JSON string, yet
/// <c>GetValue&lt;string&gt;()</c> throws on it; every reader of templates, masks and conditions goes through here.
/// </summary>
public static class JsonNodeText
{
    /// <summary>True with the text when <paramref name="node"/> is a JSON string.</summary>
    public static bool TryGetText(this JsonNode? node, out string text)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            text = value.TryGetValue<string>(out var direct) ? direct : JsonSerializer.Deserialize<string>(value.ToJsonString())!;
            return true;
        }
        text = "";
        return false;
    }

    /// <summary>The text of a JSON string, or null for anything else.</summary>
    public static string? TextOrNull(this JsonNode? node) => node.TryGetText(out var text) ? text : null;
}
