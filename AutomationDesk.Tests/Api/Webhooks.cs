using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>Webhook workflows and requests to the public receivers, for the webhook tests.</summary>
public static class Webhooks
{
    /// <summary>A webhook workflow whose output echoes what the run saw of the request, through <c>trigger.*</c> and the <c>webhook.*</c> alias.</summary>
    public static JsonObject Echo(JsonObject? webhook = null, params JsonObject[] moreSteps)
    {
        var steps = new JsonArray
        {
            new JsonObject
            {
                ["id"] = "echo",
                ["type"] = "transform",
                ["config"] = new JsonObject
                {
                    ["value"] = new JsonObject
                    {
                        ["body"] = "${trigger.body}",
                        ["aliasBody"] = "${webhook.body}",
                        ["headers"] = "${trigger.headers}",
                        ["query"] = "${trigger.query}",
                        ["method"] = "${webhook.method}",
                    },
                },
            },
        };
        foreach (var step in moreSteps)
        {
            steps.Add(step);
        }
        return new JsonObject
        {
            ["schemaVersion"] = 1,
            ["name"] = Workflows.UniqueName("Webhook"),
            ["trigger"] = new JsonObject { ["type"] = "webhook", ["webhook"] = webhook ?? [] },
            ["steps"] = steps,
        };
    }

    /// <summary>A workflow and its webhook path (<c>/api/webhooks/{id}/{token}</c>).</summary>
    public sealed record Hook(Guid WorkflowId, string Token, string Path);

    public static async Task<Hook> CreateAsync(DeskApp desk, JsonObject definition)
    {
        var id = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, definition))["id"]);
        var address = await desk.Editor.GetJsonAsync($"/api/v1/workflows/{id}/webhook");
        var token = (string)address["token"]!;
        return new Hook(id, token, $"/api/webhooks/{id}/{token}");
    }

    public static async Task<HttpResponseMessage> PostAsync(
        DeskApp desk, string path, string body, string contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null)
    {
        using var client = desk.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await client.SendAsync(request);
    }

    public static async Task<JsonArray> RunsOfAsync(DeskApp desk, Guid workflowId) =>
        await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}");

    public static async Task<JsonArray> EventsOfAsync(DeskApp desk, Guid workflowId) =>
        await desk.Viewer.GetPageAsync($"/api/v1/webhook-events?workflowId={workflowId}");

    public static async Task SetSecretAsync(DeskApp desk, string name, string value)
    {
        using var response = await desk.Admin.PutAsJsonAsync($"/api/v1/secrets/{name}", new { value });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A body sent without a Content-Length (chunked), so only counting what is read can find it too long.</summary>
    public sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    public static async Task<JsonObject> AcceptedAsync(this HttpResponseMessage response)
    {
        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("Queued", (string)accepted["status"]!);
        ApiAnswers.V7(accepted["executionId"]);
        return accepted;
    }
}
