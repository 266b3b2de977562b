using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public class ExecutionsApiTests(DeskApp desk)
{
    private static readonly string[] DetailFields =
    [
        "id", "workflowId", "workflowName", "workflowVersion", "status", "progress", "currentStepId", "trigger", "keys", "startedAt",
        "finishedAt", "durationMs", "output", "errorHuman", "errorTech", "correlationId", "parentExecutionId", "steps",
    ];

    private static readonly string[] StepFields =
        ["stepId", "type", "name", "status", "attempts", "startedAt", "finishedAt", "durationMs", "input", "output", "errorHuman", "errorTech"];

    private async Task<Guid> CreateAsync(string what, string collection = "payments") =>
        ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, Workflows.SaveCustomer(Workflows.UniqueName(what), collection)))["id"]);

    [Fact]
    public async Task Execute_and_wait_answers_the_final_detail_with_every_step()
    {
        var workflowId = await CreateAsync("Round trip");
        var customer = $"c-{Guid.NewGuid():N}";

        var run = await Workflows.RunAsync(desk.Editor, workflowId, new { customer, amount = 42 });

        foreach (var field in DetailFields)
        {
            Assert.True(run.ContainsKey(field), $"The execution detail has '{field}': {run.ToJsonString()}");
        }
        var id = ApiAnswers.V7(run["id"]);
        Assert.Equal("Succeeded", (string)run["status"]!);
        Assert.Equal(workflowId, Guid.Parse((string)run["workflowId"]!));
        Assert.Equal(1, (int)run["workflowVersion"]!);
        Assert.Equal(100, (int)run["progress"]!);
        Assert.Equal("manual", (string)run["trigger"]!["kind"]!);
        Assert.Equal(customer, (string)run["trigger"]!["input"]!["body"]!["customer"]!);
        Assert.Equal(customer, (string)run["keys"]!["customer"]!);
        Assert.True((long)run["durationMs"]! >= 0);

        var steps = run["steps"]!.AsArray();
        Assert.Equal(["save", "shape"], steps.Select(s => (string)s!["stepId"]!));
        Assert.Equal(["record.create", "transform"], steps.Select(s => (string)s!["type"]!));
        foreach (var step in steps.Select(s => s!.AsObject()))
        {
            Assert.All(StepFields, f => Assert.True(step.ContainsKey(f), $"A step has '{f}': {step.ToJsonString()}"));
            Assert.Equal("Succeeded", (string)step["status"]!);
            Assert.Equal(1, (int)step["attempts"]!);
            var started = DateTimeOffset.Parse((string)step["startedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
            var finished = DateTimeOffset.Parse((string)step["finishedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(finished >= started);
            Assert.True((long)step["durationMs"]! >= 0);
        }
        Assert.Equal(customer, (string)steps[0]!["input"]!["data"]!["customer"]!); // templates resolved before the step ran
        Assert.Equal(customer, (string)steps[0]!["output"]!["data"]!["customer"]!);
        Assert.Equal((string)steps[0]!["output"]!["id"]!, (string)steps[1]!["output"]!["record"]!);

        var read = await desk.Viewer.GetJsonAsync($"/api/v1/executions/{id}");
        Assert.True(JsonNode.DeepEquals(run, read), $"{run.ToJsonString()} != {read.ToJsonString()}");
    }

    [Fact]
    public async Task Execute_without_waiting_answers_202_with_the_location_of_the_queued_run()
    {
        var workflowId = await CreateAsync("Queued");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/workflows/{workflowId}/execute") { Content = JsonContent.Create(new { customer = "c1" }) };
        request.Headers.Add("X-Correlation-Id", "order-4711");
        using var response = await desk.Editor.SendAsync(request);

        var accepted = await response.JsonAsync(HttpStatusCode.Accepted);
        var id = ApiAnswers.V7(accepted["executionId"]);
        Assert.Equal("Queued", (string)accepted["status"]!);
        Assert.Equal($"/api/v1/executions/{id}", response.Headers.Location?.OriginalString);
        var detail = await desk.Viewer.GetJsonAsync(response.Headers.Location!.OriginalString);
        Assert.Equal("order-4711", (string)detail["correlationId"]!);
    }

    [Fact]
    public async Task A_failed_run_says_which_step_failed_and_why()
    {
        // The definition reads trigger.body.customer; a run without it fails in its first step.
        var run = await Workflows.RunAsync(desk.Editor, await CreateAsync("Failing"), new { someone = "else" });

        Assert.Equal("Failed", (string)run["status"]!);
        Assert.Contains("save", (string)run["errorHuman"]!, StringComparison.Ordinal);
        Assert.Contains("trigger.body.customer", (string)run["errorHuman"]!, StringComparison.Ordinal);
        var steps = run["steps"]!.AsArray();
        Assert.Equal("Failed", (string)steps[0]!["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)steps[0]!["errorHuman"]));
        Assert.NotEqual("Succeeded", (string)steps[1]!["status"]!);

        var errors = await desk.Viewer.GetPageAsync($"/api/v1/executions/{run["id"]}/logs?level=Error");
        Assert.NotEmpty(errors);
        Assert.All(errors, l => Assert.Equal("Error", (string)l!["level"]!));
        Assert.Contains(errors, l => (string?)l!["stepId"] == "save");
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("{ \"customer\": ")]
    public async Task A_trigger_input_that_is_not_a_json_object_is_a_400_problem(string body)
    {
        var workflowId = await CreateAsync("Picky");
        using var response = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/execute", body);
        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}"));
    }

    [Fact]
    public async Task Executing_an_unknown_workflow_is_a_404_problem()
    {
        using var response = await desk.Editor.PostAsJsonAsync($"/api/v1/workflows/{Guid.CreateVersion7()}/execute", new { });
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unknown_execution_is_a_404_problem()
    {
        using var detail = await desk.Viewer.GetAsync($"/api/v1/executions/{Guid.CreateVersion7()}");
        await detail.ProblemAsync(HttpStatusCode.NotFound);
        using var logs = await desk.Viewer.GetAsync($"/api/v1/executions/{Guid.CreateVersion7()}/logs");
        await logs.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Logs_filter_by_level_domain_and_step()
    {
        var run = await Workflows.RunAsync(desk.Editor, await CreateAsync("Logged"), new { customer = "c1" });
        var path = $"/api/v1/executions/{run["id"]}/logs";

        var all = await desk.Viewer.GetPageAsync(path);
        Assert.Contains(all, l => (string)l!["level"]! == "Debug");
        Assert.Contains(all, l => (string)l!["domain"]! == "System");
        Assert.Contains(all, l => (string?)l!["stepId"] == "shape");
        Assert.Equal(all.Select(l => (long)l!["id"]!).Order(), all.Select(l => (long)l!["id"]!));

        var information = await desk.Viewer.GetPageAsync($"{path}?level=Information");
        Assert.NotEmpty(information);
        Assert.True(information.Count < all.Count);
        Assert.All(information, l => Assert.NotEqual("Debug", (string)l!["level"]!));

        var system = await desk.Viewer.GetPageAsync($"{path}?domain=System");
        Assert.NotEmpty(system);
        Assert.All(system, l => Assert.Equal("System", (string)l!["domain"]!));

        var save = await desk.Viewer.GetPageAsync($"{path}?stepId=save");
        Assert.NotEmpty(save);
        Assert.All(save, l => Assert.Equal("save", (string)l!["stepId"]!));

        var paged = await desk.Viewer.GetPageAsync($"{path}?pageSize=1&page=2", page: 2, pageSize: 1);
        Assert.Equal((long)all[1]!["id"]!, (long)Assert.Single(paged)!["id"]!);
    }

    [Fact]
    public async Task The_list_filters_by_workflow_status_trigger_text_time_and_business_key()
    {
        var workflowId = await CreateAsync("Filtered");
        var customer = $"c-{Guid.NewGuid():N}";
        var first = await Workflows.RunAsync(desk.Editor, workflowId, new { customer });
        var second = await Workflows.RunAsync(desk.Editor, workflowId, new { customer = "someone else" });
        string[] Ids(JsonArray items) => items.Select(e => (string)e!["id"]!).ToArray();

        var byWorkflow = await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}");
        Assert.Equal([(string)second["id"]!, (string)first["id"]!], Ids(byWorkflow)); // newest first
        Assert.All(byWorkflow, e => Assert.Equal((string)first["workflowName"]!, (string)e!["workflowName"]!));

        Assert.Equal(2, (await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}&status=Succeeded,Failed")).Count);
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}&status=Failed"));
        Assert.Equal(2, (await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}&trigger=manual")).Count);
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}&trigger=webhook"));

        Assert.Equal([(string)first["id"]!], Ids(await desk.Viewer.GetPageAsync($"/api/v1/executions?key.customer={customer}")));
        Assert.Empty(await desk.Viewer.GetPageAsync($"/api/v1/executions?key.customer={customer}&key.region=north"));
        Assert.Equal([(string)first["id"]!], Ids(await desk.Viewer.GetPageAsync($"/api/v1/executions?q={first["id"]}")));
        Assert.Equal(2, (await desk.Viewer.GetPageAsync($"/api/v1/executions?q={Uri.EscapeDataString((string)first["workflowName"]!)}")).Count);

        var between = $"from={Uri.EscapeDataString((string)first["createdAt"]!)}&to={Uri.EscapeDataString((string)second["createdAt"]!)}";
        Assert.Equal([(string)first["id"]!], Ids(await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}&{between}")));

        var page = await desk.Viewer.GetPageAsync($"/api/v1/executions?workflowId={workflowId}&pageSize=1&page=2", page: 2, pageSize: 1);
        Assert.Equal([(string)first["id"]!], Ids(page));
    }

    [Fact]
    public async Task An_unknown_status_filter_is_a_400_naming_status()
    {
        using var response = await desk.Viewer.GetAsync("/api/v1/executions?status=Exploded");
        await response.ProblemAsync(HttpStatusCode.BadRequest, "status");
    }
}
