using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>JSON as a person reads it on a page: indented, or a short one-line preview.</summary>
public static class JsonText
{
    // Blazor HTML-encodes what it shows, so the text keeps + < > & ' and accents as written (a date's +00:00, not \u002B00:00).
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
