using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Maintenance;

/// <summary>A workflow's own retention: <c>settings.retentionDays</c> of its current definition.</summary>
public static class WorkflowRetention
{
    /// <summary>The workflow's <c>settings.retentionDays</c>, or null when it keeps the desk's default (not set, or not a whole number from 1).</summary>
    public static int? DaysOf(string definitionJson)
    {
        try
        {
            return JsonNode.Parse(definitionJson)?["settings"]?["retentionDays"] is JsonValue value && value.TryGetValue<int>(out var days) && days >= 1
                ? days
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
