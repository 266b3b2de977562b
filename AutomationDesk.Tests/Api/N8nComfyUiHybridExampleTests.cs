using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The README's hybrid example, <c>docs/examples/hybrid-n8n-comfyui.json</c>, imported as it is and run through its webhook
/// against a fake n8n and a fake ComfyUI: n8n's answer becomes ComfyUI's prompt, and the image is the run's artifact.
/// A desk of its own, since the example names its connections <c>n8n</c> and <c>comfy</c>.
/// </summary>
public sealed class N8nComfyUiHybridExampleTests : IAsyncLifetime
{
    private const string SigningSecret = "hybrid-signing-secret";
    private DeskApp Desk { get; } = new();
    private FakeN8nServer _n8n = null!;
    private FakeComfyUiServer _comfy = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Desk).InitializeAsync();
        _n8n = await FakeN8nServer.StartAsync();
        _n8n.SigningSecret = SigningSecret;
        _n8n.Answer = request => new JsonObject
        {
            ["prompt"] = $"{JsonNode.Parse(request.Text)!["style"]} painting of {JsonNode.Parse(request.Text)!["idea"]}, soft light",
        };
        _comfy = await FakeComfyUiServer.StartAsync();
        var connections = Desk.Services.GetRequiredService<ConnectionStore>();
        await connections.CreateAsync(new ConnectionInput("n8n", "n8n", new JsonObject { ["baseUrl"] = _n8n.BaseUrl, ["allowPrivateNetwork"] = true },
            new Dictionary<string, string?> { ["signingSecret"] = SigningSecret }), Actor.System, CancellationToken.None);
        await connections.CreateAsync(new ConnectionInput("comfy", "comfyui", new JsonObject { ["baseUrl"] = _comfy.BaseUrl, ["allowPrivateNetwork"] = true }, null),
            Actor.System, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _comfy.DisposeAsync();
        await _n8n.DisposeAsync();
        await ((IAsyncLifetime)Desk).DisposeAsync();
    }

    [Fact]
    public async Task N8n_then_ComfyUi_example_imports_as_written_and_its_image_is_the_run_s_artifact()
    {
        using var import = await Desk.Editor.PostTextAsync("/api/v1/workflows/import", RepositoryFiles.Read("docs/examples/hybrid-n8n-comfyui.json"));
        var imported = (await import.JsonAsync(HttpStatusCode.OK))["workflows"]![0]!;
        var workflowId = ApiAnswers.V7(imported["id"]);
        var token = (string)(await Desk.Editor.GetJsonAsync($"/api/v1/workflows/{workflowId}/webhook"))["token"]!;

        using var hook = await Webhooks.PostAsync(Desk, $"/api/webhooks/{workflowId}/{token}", """{"idea":"a fox in the snow"}""");
        var executionId = Guid.Parse((string)(await hook.JsonAsync(HttpStatusCode.Accepted))["executionId"]!);
        var run = await RunsApi.WaitForStatusAsync(Desk.Viewer, executionId, "Succeeded", "Failed");

        Assert.True((string)run["status"]! == "Succeeded", run.ToJsonString());
        Assert.Equal("""{"idea":"a fox in the snow","style":"watercolor"}""", Assert.Single(_n8n.Requests).Text);
        Assert.Equal("watercolor painting of a fox in the snow, soft light", (string)Assert.Single(_comfy.Prompts)["prompt"]!["6"]!["inputs"]!["text"]!);
        var n8nStep = run["steps"]![0]!;
        Assert.Equal("watercolor painting of a fox in the snow, soft light", (string)n8nStep["output"]!["body"]!["prompt"]!);
        var kept = Assert.Single(run["steps"]![1]!["output"]!["outputs"]!.AsArray())!;
        using var listed = await Desk.Viewer.GetAsync(new Uri($"/api/v1/executions/{executionId}/artifacts", UriKind.Relative));
        var artifact = Assert.Single((JsonNode.Parse(await listed.Content.ReadAsStringAsync()) as JsonArray)!)!;
        Assert.Equal((string)kept["artifactId"]!, (string)artifact["id"]!);
        Assert.Equal(("render", "image/png"), ((string)artifact["stepId"]!, (string)artifact["contentType"]!));
        using var image = await Desk.Viewer.GetAsync(new Uri((string)kept["url"]!, UriKind.Relative));
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(FakeComfyUiServer.Png, await image.Content.ReadAsByteArrayAsync());
    }
}
