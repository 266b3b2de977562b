using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Components.Workflows;

/// <summary>Workflow definitions the editor and list tests start from.</summary>
internal static class Drafts
{
    /// <summary>transform → condition → notification.send, valid and runnable.</summary>
    public static string Greeting(string name = "Greet", string[]? tags = null, bool enabled = true) => new JsonObject
    {
        ["schemaVersion"] = 1,
        ["name"] = name,
        ["description"] = $"{name} the caller",
        ["tags"] = new JsonArray((tags ?? []).Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        ["enabled"] = enabled,
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray(
            new JsonObject { ["id"] = "shape", ["type"] = "transform", ["config"] = new JsonObject { ["value"] = new JsonObject { ["who"] = "${trigger.body.who ?? \"world\"}" } } },
            new JsonObject { ["id"] = "check", ["type"] = "condition", ["config"] = new JsonObject { ["left"] = "${steps.shape.output.who}", ["operator"] = "ne", ["right"] = "" } },
            new JsonObject { ["id"] = "tell", ["type"] = "notification.send", ["when"] = "${steps.check.output.result}", ["config"] = new JsonObject { ["title"] = "Hello ${steps.shape.output.who}" } }),
    }.ToJsonString();
}
