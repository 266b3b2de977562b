using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>The connections a definition names: each step config's <c>connection</c>, and a trigger's (an email trigger's inbox).</summary>
public static class ConnectionNames
{
    public const string Field = "connection";

    public static IReadOnlySet<string> In(string definitionJson)
    {
        try
        {
            return In(JsonNode.Parse(definitionJson) as JsonObject);
        }
        catch (JsonException)
        {
            return new HashSet<string>();
        }
    }

    public static IReadOnlySet<string> In(JsonObject? definition)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (definition?["steps"] is JsonArray steps)
        {
            foreach (var step in steps.OfType<JsonObject>())
            {
                Add(names, step["config"]);
            }
        }
        if (definition?["trigger"] is JsonObject trigger)
        {
            foreach (var (_, shape) in trigger)
            {
                Add(names, shape);
            }
        }
        return names;
    }

    public static IReadOnlySet<string> In(WorkflowDefinition definition) =>
        In(JsonSerializer.SerializeToNode(definition, DeskJson.Options) as JsonObject);

    private static void Add(HashSet<string> names, JsonNode? config)
    {
        if (config is JsonObject o && JsonNodeText.TextOrNull(o[Field]) is { Length: > 0 } name)
        {
            names.Add(name);
        }
    }
}
