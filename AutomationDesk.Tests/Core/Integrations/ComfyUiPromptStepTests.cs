using System.Text.Json.Nodes;
using AutomationDesk.Core.Artifacts;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Integrations;

/// <summary>The <c>comfyui.prompt</c> step against a fake ComfyUI over loopback HTTP, in a run on the fake clock.</summary>
public sealed class ComfyUiPromptStepTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private FakeComfyUiServer _comfy = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _comfy = await FakeComfyUiServer.StartAsync();
        await _desk.Get<ConnectionStore>().CreateAsync(
            new ConnectionInput("comfy", "comfyui", new JsonObject { ["baseUrl"] = _comfy.BaseUrl, ["allowPrivateNetwork"] = true }, null),
            Actor.System, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _comfy.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private static JsonObject Render(JsonObject? inputs = null, JsonObject? graph = null) => Step("render", "comfyui.prompt", new JsonObject
    {
        ["connection"] = "comfy",
        ["workflow"] = graph ?? FakeComfyUiServer.Graph(),
        ["inputs"] = inputs ?? new JsonObject { ["6.inputs.text"] = "${trigger.body.prompt}", ["3.inputs.seed"] = 42 },
        ["pollEvery"] = "00:00:01",
    });

    /// <summary>
    /// Runs the workflow while the fake clock moves on a second at a time, so the step's awaited delays between polls pass;
    /// bounded in real time.
    /// </summary>
    private async Task<AutomationDesk.Core.Execution.Execution> RunWhileTimePassesAsync(JsonObject definition, JsonObject? input = null)
    {
        var executionId = await _desk.StartAsync(await _desk.SaveAsync(definition), input);
        var running = _desk.RunDueWorkAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!running.IsCompleted)
        {
            _desk.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(running, Task.Delay(10, limit.Token));
        }
        await running;
        return await _desk.ExecutionAsync(executionId);
    }

    private static JsonObject Prompt(string text) => new() { ["body"] = new JsonObject { ["prompt"] = text } };

    [Fact]
    public async Task ComfyUi_render_queues_the_graph_with_its_inputs_and_keeps_the_png_as_an_artifact()
    {
        var execution = await RunWhileTimePassesAsync(Workflow(Render()), Prompt("a red fox in the snow"));

        Assert.True(execution.Status == ExecutionStatus.Succeeded, $"{execution.Status}: {execution.Steps[0].ErrorHuman}");
        var queued = Assert.Single(_comfy.Prompts);
        Assert.Equal("a red fox in the snow", (string)queued["prompt"]!["6"]!["inputs"]!["text"]!);
        Assert.Equal(42, (int)queued["prompt"]!["3"]!["inputs"]!["seed"]!);
        Assert.Equal("blurry", (string)queued["prompt"]!["7"]!["inputs"]!["text"]!);
        Assert.Equal($"automationdesk-{execution.Id:N}", (string)queued["client_id"]!);
        Assert.Equal(3, _comfy.HistoryPolls);
        Assert.Equal([$"{FakeComfyUiServer.OutputFile}||output"], _comfy.Views);

        var store = _desk.Get<ArtifactStore>();
        var artifact = Assert.Single(await store.ListAsync(execution.Id, CancellationToken.None));
        Assert.Equal((FakeComfyUiServer.OutputFile, "image/png", "render", (long)FakeComfyUiServer.Png.Length),
            (artifact.Name, artifact.ContentType, artifact.StepId, artifact.Size));
        var file = Path.Combine(store.Root, execution.Id.ToString("N"), artifact.Id.ToString("N"));
        Assert.Equal(FakeComfyUiServer.Png, await File.ReadAllBytesAsync(file));

        var output = JsonNode.Parse(execution.Steps[0].OutputJson!)!;
        var promptId = (string)output["promptId"]!;
        Assert.Equal("success", (string)output["status"]!);
        var kept = Assert.Single(output["outputs"]!.AsArray())!;
        Assert.Equal(("9", FakeComfyUiServer.OutputFile, artifact.Id.ToString()), ((string)kept["node"]!, (string)kept["filename"]!, (string)kept["artifactId"]!));
        Assert.Equal($"/api/v1/executions/{execution.Id}/artifacts/{artifact.Id}", (string)kept["url"]!);
        var logs = await _desk.LogsAsync(execution.Id);
        Assert.Contains(logs, l => l.Message.Contains($"Queued prompt {promptId}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComfyUi_render_longer_than_the_engines_default_step_timeout_runs_to_its_own_timeout()
    {
        // Six minutes of rendering: past Engine:DefaultStepTimeout (5 minutes), within the step's own 10.
        _comfy.PendingPolls = 360;

        var execution = await RunWhileTimePassesAsync(Workflow(Render()), Prompt("a slow fox"));

        Assert.True(execution.Status == ExecutionStatus.Succeeded, $"{execution.Status}: {execution.Steps[0].ErrorHuman}");
        Assert.Single(await _desk.Get<ArtifactStore>().ListAsync(execution.Id, CancellationToken.None));
    }

    [Fact]
    public async Task ComfyUi_execution_error_fails_the_step_with_comfyui_s_message_and_keeps_nothing()
    {
        _comfy.FailWith = "Allocation on device: CUDA out of memory.";

        var execution = await RunWhileTimePassesAsync(Workflow(Render()), Prompt("a fox"));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("ComfyUI failed at node 3 (KSampler): torch.OutOfMemoryError: Allocation on device: CUDA out of memory.", execution.Steps[0].ErrorHuman);
        Assert.Empty(await _desk.Get<ArtifactStore>().ListAsync(execution.Id, CancellationToken.None));
        Assert.Empty(_comfy.Views);
    }

    [Fact]
    public async Task ComfyUi_refusing_the_graph_fails_the_step_with_its_reason()
    {
        var graph = FakeComfyUiServer.Graph();
        graph["10"] = new JsonObject { ["class_type"] = FakeComfyUiServer.UnknownClass, ["inputs"] = new JsonObject() };

        var execution = await RunWhileTimePassesAsync(Workflow(Render(graph: graph)), Prompt("a fox"));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal($"ComfyUI refused the graph: Cannot execute because node {FakeComfyUiServer.UnknownClass} does not exist.", execution.Steps[0].ErrorHuman);
        Assert.Empty(_comfy.Prompts);
    }

    [Theory]
    [InlineData("6.inputs.txt", "'6.inputs.txt': node '6' (CLIPTextEncode) has no input 'txt'.")]
    [InlineData("99.inputs.text", "'99.inputs.text' names node '99', which the workflow does not have.")]
    [InlineData("6.text", "'6.text' is not a path of the form node.inputs.name")]
    public async Task ComfyUi_input_path_to_a_missing_node_or_field_is_a_config_error_naming_it(string path, string message)
    {
        var execution = await RunWhileTimePassesAsync(Workflow(Render(new JsonObject { [path] = "x" })));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains("config.inputs", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Contains(message, execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Empty(_comfy.Prompts);
    }

    [Fact]
    public async Task ComfyUi_cancelling_the_run_while_it_renders_sends_interrupt_for_the_prompt()
    {
        _comfy.PendingPolls = int.MaxValue;
        var executionId = await _desk.StartAsync(await _desk.SaveAsync(Workflow(Render())), Prompt("a fox"));
        var running = _desk.RunDueWorkAsync();
        var promptId = await _comfy.Queued.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await _desk.Get<RunCancellation>().CancelAsync(executionId, Actor.System, CancellationToken.None);
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Cancelled, execution.Status);
        Assert.Equal(promptId, (string)Assert.Single(_comfy.Interrupts)!["prompt_id"]!);
        Assert.Equal(promptId, (string)Assert.Single(_comfy.QueueChanges)!["delete"]![0]!);
    }

    [Fact]
    public async Task ComfyUi_render_over_its_timeout_is_interrupted_and_fails_saying_so()
    {
        _comfy.PendingPolls = int.MaxValue;
        var step = Render();
        step["config"]!["timeout"] = "00:00:05";

        var execution = await RunWhileTimePassesAsync(Workflow(step), Prompt("a fox"));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Contains("did not finish prompt", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("00:00:05", execution.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Single(_comfy.Interrupts);
    }

    [Fact]
    public async Task ComfyUi_without_wait_queues_and_goes_on_without_polling()
    {
        var step = Render();
        step["config"]!["wait"] = false;

        var execution = await RunWhileTimePassesAsync(Workflow(step), Prompt("a fox"));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var output = JsonNode.Parse(execution.Steps[0].OutputJson!)!;
        Assert.Equal("queued", (string)output["status"]!);
        Assert.Empty(output["outputs"]!.AsArray());
        Assert.Equal(0, _comfy.HistoryPolls);
    }

    [Fact]
    public async Task ComfyUi_behind_a_proxy_gets_the_connection_s_bearer_token()
    {
        _comfy.Token = "proxy-token";
        await _desk.Get<ConnectionStore>().CreateAsync(
            new ConnectionInput("comfy-proxied", "comfyui", new JsonObject { ["baseUrl"] = _comfy.BaseUrl }, new Dictionary<string, string?> { ["token"] = "proxy-token" }),
            Actor.System, CancellationToken.None);
        var step = Render();
        step["config"]!["connection"] = "comfy-proxied";

        var proxied = await RunWhileTimePassesAsync(Workflow(step), Prompt("a fox"));
        var direct = await RunWhileTimePassesAsync(Workflow(Render()), Prompt("a fox"));

        Assert.Equal(ExecutionStatus.Succeeded, proxied.Status);
        Assert.Equal(ExecutionStatus.Failed, direct.Status);
        Assert.Contains("401", direct.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("bearer token", direct.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }
}
