using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>Saving, starting and waiting on runs through the REST API, for the runs tests that drive <see cref="Api.DeskApp"/>.</summary>
public static class RunsApi
{
    /// <summary>Saves a manual workflow of the given steps and answers its id.</summary>
    public static async Task<Guid> SaveWorkflowAsync(HttpClient api, string name, string stepsJson, string? settingsJson = null)
    {
        var settings = settingsJson is null ? "" : $", \"settings\": {settingsJson}";
        var json = $$"""{ "schemaVersion": 1, "name": "{{name}}", "trigger": { "type": "manual" }, "steps": {{stepsJson}}{{settings}} }""";
        using var response = await api.PostAsync(new Uri("/api/v1/workflows", UriKind.Relative), new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public static async Task<Guid> StartAsync(HttpClient api, Guid workflowId, JsonObject input)
    {
        using var response = await api.PostAsJsonAsync(new Uri($"/api/v1/workflows/{workflowId}/execute", UriKind.Relative), input);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["executionId"]!.GetValue<Guid>();
    }

    /// <summary>Polls the run until its status is one of <paramref name="statuses"/>, for at most 15 seconds.</summary>
    public static async Task<JsonObject> WaitForStatusAsync(HttpClient api, Guid executionId, params string[] statuses)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (true)
        {
            var detail = (await api.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/executions/{executionId}", UriKind.Relative)))!;
            var status = detail["status"]!.GetValue<string>();
            if (statuses.Contains(status))
            {
                return detail;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Execution {executionId} is still {status}, not {string.Join(" or ", statuses)}: {detail.ToJsonString()}");
            }
            // Polling the condition (bounded by the deadline); the pause only spares the shared CPU.
            await Task.Delay(25);
        }
    }
}
