using System.Net;
using System.Text.Json.Nodes;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Api;

/// <summary>GET/POST/DELETE /workflows/{id}/pinned and POST /workflows/{id}/steps/{stepId}/execute.</summary>
[Collection(DeskAppCollection.Name)]
public sealed class PinnedDataApiTests(DeskApp desk)
{
    private static JsonObject Greeting() => Workflow(Workflows.UniqueName("Pinned"),
        Transform("shape", new JsonObject { ["greeting"] = "Hello ${trigger.body.who}" }),
        Transform("shout", "${steps.shape.output.greeting}!").DependsOn("shape"));

    private async Task<(Guid WorkflowId, Guid RunId)> RunGreetingAsync()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Greeting());
        var workflowId = (Guid)workflow["id"]!;
        var run = await Workflows.RunAsync(desk.Editor, workflowId, new { who = "Ada" });
        return (workflowId, (Guid)run["id"]!);
    }

    [Fact]
    public async Task An_editor_pins_a_run_and_a_viewer_reads_the_pins()
    {
        var (workflowId, runId) = await RunGreetingAsync();

        using var pin = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/pinned?fromExecution={runId}", "");
        var pinned = await pin.JsonAsync(HttpStatusCode.OK);
        var read = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{workflowId}/pinned");

        Assert.Equal("Ada", (string)pinned["trigger"]!["body"]!["who"]!);
        var steps = read["steps"]!.AsArray();
        Assert.Equal(["shape", "shout"], steps.Select(s => (string)s!["stepId"]!));
        Assert.Equal("Hello Ada!", (string)steps[1]!["output"]!);
        Assert.Equal(runId, (Guid)steps[1]!["sourceExecutionId"]!);
    }

    [Fact]
    public async Task Executing_a_step_runs_it_against_the_pins_and_pins_its_output()
    {
        var (workflowId, runId) = await RunGreetingAsync();
        (await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/pinned?fromExecution={runId}", "")).Dispose();
        var draft = Greeting();
        draft["steps"]![1]!["config"]!["value"] = "${steps.shape.output.greeting}?";

        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/steps/shout/execute",
            new JsonObject { ["definition"] = draft }.ToJsonString());
        var result = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(("Succeeded", "Hello Ada?", true), ((string)result["status"]!, (string)result["output"]!, (bool)result["pinned"]!));
        var read = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{workflowId}/pinned");
        Assert.Equal("Hello Ada?", (string)read["steps"]!.AsArray().Single(s => (string)s!["stepId"]! == "shout")!["output"]!);
    }

    [Fact]
    public async Task A_viewer_may_not_pin_clear_or_execute()
    {
        var (workflowId, runId) = await RunGreetingAsync();

        using var pin = await desk.Viewer.PostTextAsync($"/api/v1/workflows/{workflowId}/pinned?fromExecution={runId}", "");
        using var clear = await desk.Viewer.DeleteAsync($"/api/v1/workflows/{workflowId}/pinned");
        using var execute = await desk.Viewer.PostTextAsync($"/api/v1/workflows/{workflowId}/steps/shape/execute", "{}");

        Assert.Equal(HttpStatusCode.Forbidden, pin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, clear.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, execute.StatusCode);
    }

    [Fact]
    public async Task Clearing_answers_204_and_leaves_nothing_pinned()
    {
        var (workflowId, runId) = await RunGreetingAsync();
        (await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/pinned?fromExecution={runId}", "")).Dispose();

        using var clear = await desk.Editor.DeleteAsync($"/api/v1/workflows/{workflowId}/pinned");
        var read = await desk.Viewer.GetJsonAsync($"/api/v1/workflows/{workflowId}/pinned");

        Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        Assert.Empty(read["steps"]!.AsArray());
        Assert.Null(read["trigger"]);
    }

    [Fact]
    public async Task Unknown_workflows_runs_and_steps_are_404()
    {
        var (workflowId, _) = await RunGreetingAsync();
        var nobody = Guid.NewGuid();

        using var noWorkflow = await desk.Viewer.GetAsync($"/api/v1/workflows/{nobody}/pinned");
        using var noRun = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/pinned?fromExecution={nobody}", "");
        using var noStep = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/steps/nope/execute", "{}");
        using var noWorkflowToRun = await desk.Editor.PostTextAsync($"/api/v1/workflows/{nobody}/steps/shape/execute", "{}");

        await noWorkflow.ProblemAsync(HttpStatusCode.NotFound);
        await noRun.ProblemAsync(HttpStatusCode.NotFound);
        await noStep.ProblemAsync(HttpStatusCode.NotFound);
        await noWorkflowToRun.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pinning_without_a_run_and_bad_bodies_are_refused_at_their_field()
    {
        var (workflowId, _) = await RunGreetingAsync();

        using var noRun = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/pinned", "");
        using var badInput = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/steps/shape/execute", "{\"input\": [1]}");
        using var badDefinition = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/steps/shape/execute", "{\"definition\": 3}");

        await noRun.ProblemAsync(HttpStatusCode.BadRequest, "fromExecution");
        await badInput.ProblemAsync(HttpStatusCode.BadRequest, "input");
        await badDefinition.ProblemAsync(HttpStatusCode.BadRequest, "definition");
    }

    [Fact]
    public async Task A_step_that_needs_a_whole_run_is_refused_with_409_in_words()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflow(Workflows.UniqueName("Pinned delay"), Delay("wait", TimeSpan.FromMinutes(1))));

        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflow["id"]}/steps/wait/execute", "{}");
        var problem = await response.ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("Test run", (string)problem["detail"]!);
    }

    [Fact]
    public async Task An_execute_body_over_its_limit_is_refused_with_413()
    {
        var (workflowId, _) = await RunGreetingAsync();
        var body = new JsonObject { ["input"] = new JsonObject { ["big"] = new string('x', 3 * 1024 * 1024) } };

        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/steps/shape/execute", body.ToJsonString());

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
