using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Compose;

public sealed class SubWorkflowTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static JsonObject RunWorkflow(string id, Guid workflowId, JsonObject? input = null, bool wait = true) =>
        Step(id, "workflow.run", new JsonObject { ["workflowId"] = workflowId, ["input"] = input ?? [], ["wait"] = wait });

    [Fact]
    public async Task A_waiting_parent_takes_the_child_output_and_shares_its_correlation_id()
    {
        var child = await _desk.SaveAsync(Workflow("Double it", Transform("double", new JsonObject { ["twice"] = "${trigger.n}${trigger.n}" })));
        var parent = await _desk.RunAsync(Workflow("Parent",
            RunWorkflow("call", child, new JsonObject { ["n"] = "${trigger.n}" }),
            Transform("after", "${steps.call.output.output.twice}")), new JsonObject { ["n"] = "4" });

        Assert.Equal(ExecutionStatus.Succeeded, parent.Status);
        Assert.Equal("\"44\"", parent.OutputJson);
        var call = JsonNode.Parse(parent.Steps[0].OutputJson!)!;
        var childRun = await _desk.ExecutionAsync(call["executionId"]!.GetValue<Guid>());
        Assert.Equal(parent.Id, childRun.ParentExecutionId);
        Assert.Equal("call", childRun.ParentStepId);
        Assert.Equal(parent.CorrelationId, childRun.CorrelationId);
        Assert.Equal(ChildRuns.TriggerKind, childRun.TriggerKind);
        Assert.Equal("Succeeded", (string?)call["status"]);
    }

    [Fact]
    public async Task While_the_child_waits_the_parent_waits_without_a_timer_and_wakes_when_the_child_ends()
    {
        var child = await _desk.SaveAsync(Workflow("Slow child", Delay("pause", TimeSpan.FromMinutes(5)), Transform("done", "finished")));
        var parentId = await _desk.StartAsync(await _desk.SaveAsync(Workflow("Parent", RunWorkflow("call", child), Transform("after", "${steps.call.output.output}"))));
        await _desk.RunDueWorkAsync();

        var waiting = await _desk.ExecutionAsync(parentId);
        Assert.Equal(ExecutionStatus.Waiting, waiting.Status);
        Assert.Null(waiting.DueAt);
        Assert.Equal(StepStatus.Waiting, waiting.Steps[0].Status);
        var childId = JsonNode.Parse(waiting.Steps[0].OutputJson!)!["executionId"]!.GetValue<Guid>();
        Assert.Equal(ExecutionStatus.Waiting, (await _desk.ExecutionAsync(childId)).Status);

        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        await _desk.RunDueWorkAsync();

        var done = await _desk.ExecutionAsync(parentId);
        Assert.Equal(ExecutionStatus.Succeeded, done.Status);
        Assert.Equal("\"finished\"", done.OutputJson);
    }

    [Fact]
    public async Task A_failed_child_fails_the_step_naming_the_child()
    {
        var child = await _desk.SaveAsync(Workflow("Broken child", Transform("read", "${trigger.missing}")));
        var parent = await _desk.RunAsync(Workflow("Parent", RunWorkflow("call", child)));

        Assert.Equal(ExecutionStatus.Failed, parent.Status);
        Assert.StartsWith("Sub-workflow 'Broken child' (run ", parent.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Contains(") failed: Step", parent.Steps[0].ErrorHuman, StringComparison.Ordinal);
        Assert.Contains("trigger.missing", parent.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_child_fails_the_step_and_cancelling_the_parent_cancels_the_child()
    {
        var child = await _desk.SaveAsync(Workflow("Slow child", Delay("pause", TimeSpan.FromHours(1))));
        var parentWorkflow = await _desk.SaveAsync(Workflow("Parent", RunWorkflow("call", child)));

        var first = await _desk.StartAsync(parentWorkflow);
        await _desk.RunDueWorkAsync();
        var firstChild = await ChildOfAsync(first);
        await _desk.Get<RunCancellation>().CancelAsync(firstChild, Actor.System, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        var failed = await _desk.ExecutionAsync(first);
        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Contains("was cancelled: Cancelled by system", failed.Steps[0].ErrorHuman, StringComparison.Ordinal);

        var second = await _desk.StartAsync(parentWorkflow);
        await _desk.RunDueWorkAsync();
        var secondChild = await ChildOfAsync(second);
        await _desk.Get<RunCancellation>().CancelAsync(second, Actor.System, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Cancelled, (await _desk.ExecutionAsync(second)).Status);
        var orphan = await _desk.ExecutionAsync(secondChild);
        Assert.Equal(ExecutionStatus.Cancelled, orphan.Status);
        Assert.Equal("Cancelled because the run that started it ended.", orphan.ErrorHuman);
    }

    [Fact]
    public async Task Without_wait_the_step_goes_on_at_once_and_the_child_outlives_the_parent()
    {
        var child = await _desk.SaveAsync(Workflow("Slow child", Delay("pause", TimeSpan.FromHours(1))));
        var parent = await _desk.RunAsync(Workflow("Parent", RunWorkflow("fire", child, wait: false), Transform("after", "went on")));

        Assert.Equal(ExecutionStatus.Succeeded, parent.Status);
        var childRun = await _desk.ExecutionAsync(await ChildOfAsync(parent.Id));
        Assert.Equal(ExecutionStatus.Waiting, childRun.Status);
    }

    [Fact]
    public async Task A_workflow_that_runs_itself_stops_at_depth_ten_naming_the_chain()
    {
        var recursive = await _desk.SaveAsync(Workflow("Recursive", Transform("noop", "x")));
        await _desk.Get<AutomationDesk.Core.Workflows.WorkflowStore>().UpdateAsync(
            recursive, Workflow("Recursive", RunWorkflow("again", recursive)).ToJsonString(), Actor.System, CancellationToken.None);

        var root = await _desk.StartAsync(recursive);
        await _desk.RunDueWorkAsync();

        await using var db = _desk.NewDb();
        var runs = await db.Executions.AsNoTracking().Include(e => e.Steps).Where(e => e.WorkflowId == recursive).ToListAsync();
        Assert.Equal(ChildRuns.MaxDepth, runs.Count);
        Assert.All(runs, r => Assert.Equal(ExecutionStatus.Failed, r.Status));
        var deepest = Assert.Single(runs, r => !runs.Any(other => other.ParentExecutionId == r.Id));
        var error = deepest.Steps.Single().ErrorHuman!;
        Assert.StartsWith("Sub-workflows nest at most 10 deep: Recursive → Recursive", error, StringComparison.Ordinal);
        Assert.Contains("→ Recursive was not started.", error, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Failed, (await _desk.ExecutionAsync(root)).Status);
    }

    [Fact]
    public async Task A_missing_or_disabled_workflow_fails_the_step_saying_which()
    {
        var missing = await _desk.RunAsync(Workflow("Parent", RunWorkflow("call", Guid.NewGuid())));
        Assert.Contains("The sub-workflow did not start: There is no workflow", missing.Steps[0].ErrorHuman, StringComparison.Ordinal);

        var disabledDefinition = Workflow("Sleeping", Transform("x", 1));
        disabledDefinition["enabled"] = false;
        var disabled = await _desk.SaveAsync(disabledDefinition);
        var refused = await _desk.RunAsync(Workflow("Parent", RunWorkflow("call", disabled)));
        Assert.Contains("'Sleeping' is disabled", refused.Steps[0].ErrorHuman, StringComparison.Ordinal);
    }

    private async Task<Guid> ChildOfAsync(Guid parentId)
    {
        await using var db = _desk.NewDb();
        return await db.Executions.Where(e => e.ParentExecutionId == parentId).Select(e => e.Id).SingleAsync();
    }
}
