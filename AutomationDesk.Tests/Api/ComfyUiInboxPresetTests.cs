using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The <c>comfyui</c> inbox preset: a sender beside ComfyUI posts its websocket messages (<c>{ type, data }</c>) signed with
/// <c>X-Signature-256</c>; the event type is the body's <c>type</c>.
/// </summary>
[Collection(DeskAppCollection.Name)]
public sealed class ComfyUiInboxPresetTests(DeskApp desk)
{
    private const string Secret = "comfy-inbox-secret";

    private static string UniqueSource() => $"comfy-{Guid.NewGuid():N}"[..30];

    private async Task<Guid> RouteAsync(string source, string eventType)
    {
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Webhooks.Echo()))["id"]);
        await desk.Admin.PostJsonAsync("/api/v1/inbox/rules", new { source, eventType, workflowId }, HttpStatusCode.Created);
        return workflowId;
    }

    private Task<HttpResponseMessage> PostAsync(string source, string body, string secret = Secret) =>
        Webhooks.PostAsync(desk, $"/api/webhooks/inbox/{source}", body,
            headers: new Dictionary<string, string> { ["X-Signature-256"] = WebhookSigning.GitHub(secret, body) });

    [Fact]
    public async Task ComfyUi_preset_gives_a_new_source_x_signature_256_and_the_type_field()
    {
        var name = UniqueSource();

        var created = await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name, preset = "comfyui", secret = Secret }, HttpStatusCode.Created);

        Assert.Equal("comfyui", (string)created["preset"]!);
        Assert.Equal("hmac-sha256", (string)created["signatureScheme"]!);
        Assert.Equal("X-Signature-256", (string)created["signatureHeader"]!);
        Assert.Equal("type", (string)created["eventTypePath"]!);
        Assert.Null(created["eventTypeHeader"]);
    }

    [Fact]
    public async Task ComfyUi_execution_success_message_starts_the_workflow_routed_by_its_type()
    {
        var source = UniqueSource();
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name = source, preset = "comfyui", secret = Secret }, HttpStatusCode.Created);
        var onSuccess = await RouteAsync(source, "execution_success");
        var onError = await RouteAsync(source, "execution_error");
        const string body = """{"type":"execution_success","data":{"prompt_id":"5b3e0c4e-2a44-4f5e-9d55-0a5f6c1c2f10","timestamp":1700000004000}}""";

        using var response = await PostAsync(source, body);

        var answer = await response.JsonAsync(HttpStatusCode.Accepted);
        var started = Assert.Single(answer["executions"]!.AsArray())!;
        Assert.Equal(onSuccess, Guid.Parse((string)started["workflowId"]!));
        Assert.Empty(await Webhooks.RunsOfAsync(desk, onError));
        var run = await Components.Runs.RunsApi.WaitForStatusAsync(desk.Viewer, Guid.Parse((string)started["executionId"]!), "Succeeded");
        Assert.Equal("execution_success", (string)run["trigger"]!["input"]!["eventType"]!);
        Assert.Equal("5b3e0c4e-2a44-4f5e-9d55-0a5f6c1c2f10", (string)run["output"]!["body"]!["data"]!["prompt_id"]!);
    }

    [Fact]
    public async Task ComfyUi_message_with_a_bad_signature_is_401_and_starts_nothing()
    {
        var source = UniqueSource();
        await desk.Admin.PostJsonAsync("/api/v1/inbox/sources", new { name = source, preset = "comfyui", secret = Secret }, HttpStatusCode.Created);
        var workflowId = await RouteAsync(source, "*");

        using var response = await PostAsync(source, """{"type":"executed","data":{"node":"9"}}""", secret: "not-the-secret");

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(await Webhooks.RunsOfAsync(desk, workflowId));
    }
}
