using System.Text.Json.Nodes;

namespace AutomationDesk.Bench;

/// <summary>The definitions the benchmark runs, written as the API would receive them.</summary>
internal static class BenchWorkflows
{
    /// <summary>transform → condition → transform, with a business key, as a typical small automation.</summary>
    public static string ThreeSteps() => new JsonObject
    {
        ["schemaVersion"] = 1,
        ["name"] = "bench: transform, condition, transform",
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray(
            Step("shape", "transform", new JsonObject
            {
                ["value"] = new JsonObject { ["customer"] = "${trigger.body.customer}", ["amount"] = "${trigger.body.amount}" },
            }),
            Step("big", "condition", new JsonObject { ["left"] = "${steps.shape.output.amount}", ["operator"] = "gt", ["right"] = 50 }),
            Step("label", "transform", new JsonObject
            {
                ["value"] = new JsonObject { ["customer"] = "${steps.shape.output.customer}", ["big"] = "${steps.big.output.result}" },
            })),
        ["settings"] = new JsonObject { ["keys"] = new JsonObject { ["customer"] = "${trigger.body.customer}" } },
    }.ToJsonString();

    /// <summary>A chain of transforms, each reading the output of the one before it.</summary>
    public static string Chain(int steps)
    {
        var list = new JsonArray();
        for (var i = 0; i < steps; i++)
        {
            list.Add(Step($"s{i}", "transform", new JsonObject
            {
                ["value"] = new JsonObject
                {
                    ["n"] = i,
                    ["customer"] = i == 0 ? "${trigger.body.customer}" : $"${{steps.s{i - 1}.output.customer}}",
                    ["note"] = $"step {i} of {steps}",
                },
            }));
        }
        return new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = $"bench: chain of {steps}",
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = list,
        }.ToJsonString();
    }

    private static JsonObject Step(string id, string type, JsonObject config) =>
        new() { ["id"] = id, ["type"] = type, ["config"] = config };
}
