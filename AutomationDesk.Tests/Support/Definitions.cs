using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Support;

/// <summary>Builders for workflow definitions (schemaVersion 1) as JSON, the shape the API and the editor use.</summary>
public static class Definitions
{
    /// <summary>A manual workflow with the given steps.</summary>
    public static JsonObject Workflow(params JsonObject[] steps) => Workflow("Test workflow", steps);

    public static JsonObject Workflow(string name, params JsonObject[] steps) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = name,
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray(steps.Select(s => (JsonNode)s).ToArray()),
    };

    public static JsonObject Step(string id, string type, JsonObject? config = null) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["config"] = config ?? [],
    };

    /// <summary>A <c>transform</c> step whose output is <paramref name="value"/> with its templates resolved.</summary>
    public static JsonObject Transform(string id, JsonNode? value) => Step(id, "transform", new JsonObject { ["value"] = value });

    public static JsonObject Delay(string id, TimeSpan duration) => Step(id, "delay", new JsonObject { ["duration"] = duration.ToString("c") });

    public static JsonObject Http(string id, string url, string method = "GET") =>
        Step(id, "http.request", new JsonObject { ["url"] = url, ["method"] = method });

    public static JsonObject Condition(string id, JsonNode? left, string op, JsonNode? right = null)
    {
        var config = new JsonObject { ["left"] = left, ["operator"] = op };
        if (right is not null)
        {
            config["right"] = right;
        }
        return Step(id, "condition", config);
    }

    /// <summary>Sets <c>dependsOn</c>; no ids makes the step a root.</summary>
    public static JsonObject DependsOn(this JsonObject step, params string[] ids)
    {
        step["dependsOn"] = new JsonArray(ids.Select(id => (JsonNode)id).ToArray());
        return step;
    }

    public static JsonObject When(this JsonObject step, JsonNode condition)
    {
        step["when"] = condition;
        return step;
    }

    /// <summary>Sets one property of the step's config.</summary>
    public static JsonObject With(this JsonObject step, string name, JsonNode? value)
    {
        step["config"]![name] = value;
        return step;
    }

    public static JsonObject WithSettings(this JsonObject workflow, JsonObject settings)
    {
        workflow["settings"] = settings;
        return workflow;
    }
}
