using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;

namespace AutomationDesk.Tests.Crash;

/// <summary>The REST calls the crash tests make against a child desk: a three-step workflow, starting runs, reading them.</summary>
public static class ChildDeskRuns
{
    public static readonly string[] StepIds = ["first", "slow", "last"];

    /// <summary>first → slow → last, each an <c>http.request</c> to <paramref name="effects"/> (which sends the Idempotency-Key).</summary>
    public static async Task<Guid> CreateWorkflowAsync(HttpClient client, SideEffectServer effects)
    {
        var steps = new JsonArray();
        foreach (var id in StepIds)
        {
            steps.Add(new JsonObject
            {
                ["id"] = id,
                ["type"] = "http.request",
                ["config"] = new JsonObject { ["method"] = "POST", ["url"] = effects.Url(id), ["body"] = new JsonObject { ["n"] = "${trigger.body.n}" }, ["timeout"] = "00:05:00" },
            });
        }
        var definition = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = Workflows.UniqueName("crash"),
            ["trigger"] = new JsonObject { ["type"] = "manual" },
            ["steps"] = steps,
        };
        var created = await Workflows.CreateAsync(client, definition);
        return created["id"]!.GetValue<Guid>();
    }

    public static async Task<Guid> StartAsync(HttpClient client, Guid workflowId, int n)
    {
        using var response = await client.PostTextAsync($"/api/v1/workflows/{workflowId}/execute", new JsonObject { ["n"] = n }.ToJsonString());
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        return accepted["executionId"]!.GetValue<Guid>();
    }

    public static async Task<JsonObject> DetailAsync(HttpClient client, Guid executionId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/executions/{executionId}", UriKind.Relative));
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>Every execution row of the workflow, as the list API counts them.</summary>
    public static async Task<int> CountAsync(HttpClient client, Guid workflowId)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/executions?workflowId={workflowId}&pageSize=1", UriKind.Relative));
        var page = await response.JsonAsync(HttpStatusCode.OK);
        return page["total"]!.GetValue<int>();
    }

    /// <summary>Polls until every run is final; answers their details.</summary>
    public static async Task<IReadOnlyList<JsonObject>> WaitUntilFinalAsync(HttpClient client, IReadOnlyList<Guid> runs, TimeSpan limit, Func<string> context)
    {
        var details = new List<JsonObject>();
        await Poll.UntilAsync(async () =>
        {
            details.Clear();
            foreach (var id in runs)
            {
                details.Add(await DetailAsync(client, id));
            }
            return details.All(d => (string?)d["status"] is "Succeeded" or "Failed" or "Cancelled" or "TimedOut");
        }, limit, () => $"Not every run ended within {limit}: "
            + string.Join(", ", details.Select(d => $"{d["id"]} {d["status"]}")) + Environment.NewLine + context());
        return details;
    }

    public static int Attempts(JsonObject detail, string stepId) =>
        detail["steps"]!.AsArray().Single(s => (string?)s!["stepId"] == stepId)!["attempts"]!.GetValue<int>();
}
