using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Compose;

public sealed class StopAndErrorWorkflowTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static JsonObject Stop(string id, string status, string message) =>
        Step(id, "stop", new JsonObject { ["status"] = status, ["message"] = message });

    [Fact]
    public async Task A_stop_ends_the_run_as_succeeded_and_skips_the_later_steps()
    {
        var run = await _desk.RunAsync(Workflow("Nightly cleanup",
            Transform("list", new JsonArray()),
            Stop("nothing", "succeeded", "Nothing to do today").When(new JsonObject { ["left"] = "${steps.list.output}", ["operator"] = "empty" }),
            Transform("clean", "cleaned"),
            Transform("report", "reported")));

        Assert.Equal(ExecutionStatus.Succeeded, run.Status);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Succeeded, StepStatus.Skipped, StepStatus.Skipped], run.Steps.Select(s => s.Status));
        Assert.Equal("Nothing to do today", (string?)JsonNode.Parse(run.OutputJson!)!["message"]);
        Assert.Contains(await _desk.LogsAsync(run.Id), l => l.Message == "Step 'clean' skipped: step 'nothing' stopped the run");
    }

    [Fact]
    public async Task A_stop_that_does_not_hold_lets_the_run_go_on()
    {
        var run = await _desk.RunAsync(Workflow("Nightly cleanup",
            Transform("list", new JsonArray(1, 2)),
            Stop("nothing", "succeeded", "Nothing to do today").When(new JsonObject { ["left"] = "${steps.list.output}", ["operator"] = "empty" }),
            Transform("clean", "cleaned")));

        Assert.Equal(ExecutionStatus.Succeeded, run.Status);
        Assert.Equal([StepStatus.Succeeded, StepStatus.Skipped, StepStatus.Succeeded], run.Steps.Select(s => s.Status));
        Assert.Equal("\"cleaned\"", run.OutputJson);
    }

    [Fact]
    public async Task A_failing_stop_fails_the_run_with_its_message_and_cancels_a_parallel_branch()
    {
        var run = await _desk.RunAsync(Workflow("Guarded",
            Delay("slow", TimeSpan.FromHours(1)).DependsOn(),
            Stop("guard", "failed", "Refund over the limit: ${trigger.amount}").DependsOn(),
            Transform("after", "never").DependsOn("guard")), new JsonObject { ["amount"] = 900 });

        Assert.Equal(ExecutionStatus.Failed, run.Status);
        Assert.Equal("Stopped by step 'Stop' (guard): Refund over the limit: 900", run.ErrorHuman);
        Assert.Equal(StepStatus.Skipped, run.Steps.Single(s => s.StepId == "after").Status);
        Assert.Contains(run.Steps.Single(s => s.StepId == "slow").Status, new[] { StepStatus.Skipped, StepStatus.Cancelled });
    }

    [Fact]
    public async Task A_run_that_fails_for_good_starts_its_error_workflow_once_with_its_summary()
    {
        var pager = await _desk.SaveAsync(Workflow("Page on-call", Transform("page", new JsonObject
        {
            ["failed"] = "${trigger.workflow}", ["error"] = "${trigger.error}", ["step"] = "${trigger.failedStep.id}",
        })));
        var failing = await _desk.SaveAsync(Workflow("Fragile", Transform("read", "${trigger.missing}"))
            .WithSettings(new JsonObject { ["onFailure"] = new JsonObject { ["workflowId"] = pager } }));

        var failed = await _desk.StartAsync(failing);
        await _desk.RunDueWorkAsync();
        await _desk.Get<EventTriggers>().FireAsync(await _desk.ExecutionAsync(failed), CancellationToken.None); // a second call starts no second run

        await using var db = _desk.NewDb();
        var page = await db.Executions.AsNoTracking().SingleAsync(e => e.WorkflowId == pager);
        Assert.Equal(EventTriggers.ErrorTriggerKind, page.TriggerKind);
        Assert.Equal(failed, page.ParentExecutionId);
        Assert.Equal(ExecutionStatus.Succeeded, page.Status);
        var output = JsonNode.Parse(page.OutputJson!)!;
        Assert.Equal("Fragile", (string?)output["failed"]);
        Assert.Equal("read", (string?)output["step"]);
        Assert.Contains("trigger.missing", (string?)output["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_workflows_own_failure_starts_no_other_and_a_success_starts_none()
    {
        var brokenPager = await _desk.SaveAsync(Workflow("Broken pager", Transform("page", "${trigger.nothing}")));
        await _desk.Get<AutomationDesk.Core.Workflows.WorkflowStore>().UpdateAsync(brokenPager,
            Workflow("Broken pager", Transform("page", "${trigger.nothing}"))
                .WithSettings(new JsonObject { ["onFailure"] = new JsonObject { ["workflowId"] = brokenPager } }).ToJsonString(),
            AutomationDesk.Core.Auditing.Actor.System, CancellationToken.None);
        var fragile = await _desk.SaveAsync(Workflow("Fragile", Transform("read", "${trigger.missing}"))
            .WithSettings(new JsonObject { ["onFailure"] = new JsonObject { ["workflowId"] = brokenPager } }));

        await _desk.StartAsync(fragile, new JsonObject { ["missing"] = "here" });
        await _desk.StartAsync(fragile);
        await _desk.RunDueWorkAsync();

        await using var db = _desk.NewDb();
        var pages = await db.Executions.AsNoTracking().Where(e => e.WorkflowId == brokenPager).ToListAsync();
        var page = Assert.Single(pages);
        Assert.Equal(ExecutionStatus.Failed, page.Status);
        Assert.Equal(EventTriggers.ErrorTriggerKind, page.TriggerKind);
    }
}
