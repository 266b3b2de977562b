using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>JSON as a person reads it on a page: indented, or a short one-line preview.</summary>
public static class JsonText
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "";
        }

        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? "null";
        }
        catch (JsonException)
        {
            return json;
        }
    }

    public static string Pretty(JsonNode? node) => node?.ToJsonString(Indented) ?? "null";

    public static string Preview(string? json, int maxLength = 80)
    {
        var compact = string.IsNullOrWhiteSpace(json) ? "" : json.ReplaceLineEndings(" ");
        return compact.Length <= maxLength ? compact : string.Concat(compact.AsSpan(0, maxLength - 1), "…");
    }
}
