using System.Net;
using System.Text.Json.Nodes;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class PreflightApiTests(DeskApp desk)
{
    private static JsonObject Greeting(string name) => Workflow(name,
        Transform("shape", "Hello ${trigger.body.who}"),
        Step("tell", "notification.send", new JsonObject { ["title"] = "${steps.shape.output}" }));

    [Fact]
    public async Task A_saved_workflow_s_preflight_answers_findings_and_the_plan_for_the_sample_in_the_body()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Greeting(Workflows.UniqueName("Preflight")));

        using var missing = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflow["id"]}/preflight", "{\"name\": \"Ada\"}");
        var failed = await missing.JsonAsync(HttpStatusCode.OK);
        using var given = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflow["id"]}/preflight", "{\"who\": \"Ada\"}");
        var passed = await given.JsonAsync(HttpStatusCode.OK);

        Assert.False((bool)failed["ok"]!);
        var finding = Assert.Single(failed["findings"]!.AsArray())!;
        Assert.Equal(("error", "shape", "steps[0].config.value"), ((string)finding["severity"]!, (string)finding["stepId"]!, (string)finding["field"]!));
        Assert.Contains("trigger.body.who", (string)finding["message"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)finding["action"]));
        Assert.True((bool)passed["ok"]!);
        var plan = passed["plan"]!.AsArray();
        Assert.Equal("Hello Ada", (string)plan[0]!["input"]!["value"]!);
        Assert.Equal((true, true), ((bool)plan[1]!["runs"]!, (bool)plan[1]!["sideEffects"]!));
        Assert.Equal("⟨steps.shape.output⟩", (string)plan[1]!["input"]!["title"]!);
    }

    [Fact]
    public async Task A_draft_s_preflight_reports_its_validation_errors_as_findings()
    {
        var draft = Greeting("");

        using var response = await desk.Editor.PostTextAsync("/api/v1/preflight", new JsonObject { ["definition"] = draft, ["input"] = new JsonObject { ["who"] = "Ada" } }.ToJsonString());
        var report = await response.JsonAsync(HttpStatusCode.OK);

        Assert.False((bool)report["ok"]!);
        Assert.Contains(report["findings"]!.AsArray(), f => (string?)f!["field"] == "name");
    }

    [Theory]
    [InlineData("{}", "definition")]
    [InlineData("{\"definition\": \"not an object\"}", "definition")]
    [InlineData("{\"definition\": {}, \"input\": [1]}", "input")]
    public async Task A_draft_body_without_a_definition_object_or_with_a_bad_input_is_refused_at_its_field(string body, string field)
    {
        using var response = await desk.Editor.PostTextAsync("/api/v1/preflight", body);

        await response.ProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Malformed_json_and_a_sample_that_is_not_an_object_are_400()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Greeting(Workflows.UniqueName("Bad sample")));

        using var malformed = await desk.Editor.PostTextAsync("/api/v1/preflight", "{\"definition\":");
        using var list = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflow["id"]}/preflight", "[1, 2]");

        await malformed.ProblemAsync(HttpStatusCode.BadRequest);
        await list.ProblemAsync(HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task An_unknown_workflow_is_404()
    {
        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{Guid.CreateVersion7()}/preflight", "{}");

        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_viewer_may_not_preflight()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Greeting(Workflows.UniqueName("Preflight by a viewer")));

        using var saved = await desk.Viewer.PostTextAsync($"/api/v1/workflows/{workflow["id"]}/preflight", "{}");
        using var draft = await desk.Viewer.PostTextAsync("/api/v1/preflight", new JsonObject { ["definition"] = Greeting("Draft") }.ToJsonString());

        Assert.Equal(HttpStatusCode.Forbidden, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, draft.StatusCode);
    }

    [Fact]
    public async Task Execute_with_dryRun_true_runs_without_side_effects_and_says_so_in_the_detail_and_the_list()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Greeting(Workflows.UniqueName("Dry")));

        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflow["id"]}/execute?wait=true&dryRun=true", "{\"who\": \"Ada\"}");
        var run = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal("Succeeded", (string)run["status"]!);
        Assert.True((bool)run["dryRun"]!);
        var tell = run["steps"]!.AsArray().Single(s => (string?)s!["stepId"] == "tell")!;
        Assert.True((bool)tell["output"]!["dryRun"]!);
        Assert.Equal("Hello Ada", (string)tell["output"]!["wouldSend"]!["title"]!);
        var listed = await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflow["id"]}");
        Assert.True((bool)Assert.Single(listed)!["dryRun"]!);
    }

    [Fact]
    public async Task A_failed_run_s_detail_lists_its_recommended_actions()
    {
        var workflow = await Workflows.CreateAsync(desk.Editor, Workflow(Workflows.UniqueName("Fails"), Transform("read", "${secrets.nowhere_to_be_found}")));

        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflow["id"]}/execute?wait=true", "{}");
        var run = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal("Failed", (string)run["status"]!);
        var action = Assert.Single(run["actions"]!.AsArray())!;
        Assert.Equal("read", (string)action["stepId"]!);
        Assert.Contains("Create the secret `nowhere_to_be_found`", (string)action["action"]!);
    }
}
