using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class ApprovalsApiTests(DeskApp desk)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static JsonObject ApprovalWorkflow(string name) => new()
    {
        ["schemaVersion"] = 1,
        ["name"] = name,
        ["trigger"] = new JsonObject { ["type"] = "manual" },
        ["steps"] = new JsonArray(
            new JsonObject { ["id"] = "ask", ["type"] = "approval", ["config"] = new JsonObject { ["message"] = "Ship order ${trigger.body.order}?" } },
            new JsonObject { ["id"] = "after", ["type"] = "transform", ["dependsOn"] = new JsonArray("ask"), ["config"] = new JsonObject { ["value"] = "${steps.ask.output.comment}" } }),
    };

    /// <summary>Starts a run of a new approval workflow and waits until it is paused at the approval.</summary>
    private async Task<Guid> PausedRunAsync()
    {
        var workflowId = ApiAnswers.V7((await Workflows.CreateAsync(desk.Editor, ApprovalWorkflow(Workflows.UniqueName("Approval"))))["id"]);
        using var started = await desk.Editor.PostTextAsync($"/api/v1/workflows/{workflowId}/execute", """{ "order": "o-7" }""");
        var id = ApiAnswers.V7((await started.JsonAsync(HttpStatusCode.Accepted))["executionId"]);
        await StatusAsync(id, "Paused");
        return id;
    }

    private async Task<JsonObject> StatusAsync(Guid id, string status)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            var run = await desk.Editor.GetJsonAsync($"/api/v1/executions/{id}");
            if ((string?)run["status"] == status)
            {
                return run;
            }
            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task Resume_with_approve_continues_the_run_with_the_comment()
    {
        var id = await PausedRunAsync();

        using var resumed = await desk.Editor.PostAsJsonAsync($"/api/v1/executions/{id}/resume", new { decision = "approve", comment = "ship it" });
        await resumed.JsonAsync(HttpStatusCode.Accepted);
        var run = await StatusAsync(id, "Succeeded");

        var decision = run["steps"]![0]!["output"]!;
        Assert.Equal("approve", (string)decision["decision"]!);
        Assert.Equal("ship it", (string)decision["comment"]!);
        Assert.Equal("ship it", (string)run["output"]!);
        Assert.Equal("Ship order o-7?", (string)run["steps"]![0]!["input"]!["message"]!);
    }

    [Fact]
    public async Task Resume_with_reject_fails_the_run()
    {
        var id = await PausedRunAsync();

        using var resumed = await desk.Editor.PostAsJsonAsync($"/api/v1/executions/{id}/resume", new { decision = "reject", comment = "not today" });
        await resumed.JsonAsync(HttpStatusCode.Accepted);
        var run = await StatusAsync(id, "Failed");

        Assert.Contains("not today", (string)run["errorHuman"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_may_not_decide_nor_pause()
    {
        var id = await PausedRunAsync();

        using var decide = await desk.Viewer.PostAsJsonAsync($"/api/v1/executions/{id}/resume", new { decision = "approve" });
        using var pause = await desk.Viewer.PostAsync($"/api/v1/executions/{id}/pause", null);

        var problem = await decide.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("Editors and Admins", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, pause.StatusCode);
    }

    [Fact]
    public async Task Wrong_states_and_bad_decisions_are_refused_with_problems()
    {
        var id = await PausedRunAsync();

        using var withoutDecision = await desk.Editor.PostAsync($"/api/v1/executions/{id}/resume", null);
        using var unknownDecision = await desk.Editor.PostAsJsonAsync($"/api/v1/executions/{id}/resume", new { decision = "maybe" });
        using var pausePaused = await desk.Editor.PostAsync($"/api/v1/executions/{id}/pause", null);
        using var missing = await desk.Editor.PostAsync($"/api/v1/executions/{Guid.NewGuid()}/pause", null);
        using var malformed = await desk.Editor.PostTextAsync($"/api/v1/executions/{id}/resume", "{ decision: ");

        await withoutDecision.ProblemAsync(HttpStatusCode.BadRequest, "decision");
        await unknownDecision.ProblemAsync(HttpStatusCode.BadRequest, "decision");
        var conflict = await pausePaused.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Paused", (string)conflict["detail"]!, StringComparison.Ordinal);
        await missing.ProblemAsync(HttpStatusCode.NotFound);
        await malformed.ProblemAsync(HttpStatusCode.BadRequest);

        using var approved = await desk.Editor.PostAsJsonAsync($"/api/v1/executions/{id}/resume", new { decision = "approve" });
        await approved.JsonAsync(HttpStatusCode.Accepted);
        await StatusAsync(id, "Succeeded");
        using var again = await desk.Editor.PostAsJsonAsync($"/api/v1/executions/{id}/resume", new { decision = "approve" });
        await again.ProblemAsync(HttpStatusCode.Conflict);
    }
}
