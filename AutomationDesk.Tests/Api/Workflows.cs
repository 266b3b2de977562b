using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>Workflow definitions for the tests, each uniquely named so tests sharing one desk do not see each other's.</summary>
public static class Workflows
{
    public static string UniqueName(string what) => $"{what} {Guid.NewGuid():N}";

    /// <summary>
    /// A manual workflow that stores the trigger's customer in <paramref name="collection"/>, then shapes an output
    /// from the stored record; its business key <c>customer</c> is the trigger's customer.
    /// </summary>
    public static JsonObject SaveCustomer(string name, string collection, params string[] tags) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = name,
        ["description"] = "Stores the customer",
        ["tags"] = new JsonArray(tags.Select(t => (JsonNode?)t).ToArray()),
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray
        {
            new JsonObject
            {
                ["id"] = "save",
                ["type"] = "record.create",
                ["config"] = new JsonObject
                {
                    ["collection"] = collection,
                    ["data"] = new JsonObject { ["customer"] = "${trigger.body.customer}" },
                },
            },
            new JsonObject
            {
                ["id"] = "shape",
                ["type"] = "transform",
                ["config"] = new JsonObject { ["value"] = new JsonObject { ["record"] = "${steps.save.output.id}", ["customer"] = "${trigger.body.customer}" } },
            },
        },
        ["settings"] = new JsonObject { ["keys"] = new JsonObject { ["customer"] = "${trigger.body.customer}" } },
    };

    public static async Task<JsonObject> CreateAsync(HttpClient client, JsonObject definition)
    {
        using var response = await client.PostTextAsync("/api/v1/workflows", definition.ToJsonString());
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    /// <summary>Runs a workflow and waits for the final execution detail (<c>execute?wait=true</c>).</summary>
    public static async Task<JsonObject> RunAsync(HttpClient client, Guid workflowId, object input)
    {
        using var response = await client.PostTextAsync($"/api/v1/workflows/{workflowId}/execute?wait=true", JsonSerializer.Serialize(input));
        return await response.JsonAsync(HttpStatusCode.OK);
    }
}
