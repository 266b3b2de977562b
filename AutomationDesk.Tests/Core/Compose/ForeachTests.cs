using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Compose;

public sealed class ForeachTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static JsonObject Foreach(string id, JsonNode items, Guid workflowId, int concurrency, string onItemError = "fail", JsonNode? input = null)
    {
        var config = new JsonObject { ["items"] = items, ["workflowId"] = workflowId, ["concurrency"] = concurrency, ["onItemError"] = onItemError };
        if (input is not null)
        {
            config["input"] = input;
        }
        return Step(id, "foreach", config);
    }

    private static JsonObject IsFalse(string step) => new() { ["left"] = $"${{steps.{step}.output.result}}", ["operator"] = "eq", ["right"] = false };

    private static JsonArray Numbers(int count) => new(Enumerable.Range(1, count).Select(n => (JsonNode)n).ToArray());

    [Fact]
    public async Task Every_item_runs_once_in_order_with_its_input_and_the_output_lists_each()
    {
        var child = await _desk.SaveAsync(Workflow("Square", Transform("square", new JsonObject { ["n"] = "${trigger.body.n}", ["at"] = "${trigger.body.at}" })));
        var parent = await _desk.RunAsync(Workflow("Loop",
            Transform("list", Numbers(25)),
            Foreach("each", "${steps.list.output}", child, 4, input: new JsonObject { ["n"] = "${item}", ["at"] = "${index}" })));

        Assert.Equal(ExecutionStatus.Succeeded, parent.Status);
        var output = JsonNode.Parse(parent.Steps[1].OutputJson!)!;
        Assert.Equal(25, (int)output["count"]!);
        Assert.Equal(25, (int)output["succeeded"]!);
        Assert.Equal(0, (int)output["failed"]!);
        var results = output["results"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, 25), results.Select(r => (int)r!["index"]!));
        Assert.Equal(Enumerable.Range(1, 25), results.Select(r => (int)r!["output"]!["n"]!));
        Assert.Equal(Enumerable.Range(0, 25), results.Select(r => (int)r!["output"]!["at"]!));
        await using var db = _desk.NewDb();
        var items = await db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == parent.Id).ToListAsync();
        Assert.Equal(25, items.Count);
        Assert.Equal(25, items.Select(i => i.ItemIndex).Distinct().Count());
        Assert.All(items, i => Assert.Equal(parent.CorrelationId, i.CorrelationId));
    }

    [Fact]
    public async Task No_more_than_the_concurrency_run_at_once_and_progress_shows_on_the_step()
    {
        var child = await _desk.SaveAsync(Workflow("Slow item", Delay("wait", TimeSpan.FromMinutes(1))));
        var parentId = await _desk.StartAsync(await _desk.SaveAsync(Workflow("Loop", Foreach("each", Numbers(10), child, 3))));
        await _desk.RunDueWorkAsync();

        for (var round = 0; round < 4; round++)
        {
            var counts = await CountsAsync(parentId);
            Assert.True(counts.Running <= 3, $"round {round}: {counts.Running} item runs at once");
            var step = (await _desk.ExecutionAsync(parentId)).Steps[0];
            Assert.Equal(StepStatus.Waiting, step.Status);
            var progress = JsonNode.Parse(step.OutputJson!)!;
            Assert.Equal(10, (int)progress["count"]!);
            Assert.Equal(counts.Done, (int)progress["done"]!);
            _desk.Time.Advance(TimeSpan.FromMinutes(1));
            await _desk.RunDueWorkAsync();
        }
        var parent = await _desk.ExecutionAsync(parentId);
        Assert.Equal(ExecutionStatus.Succeeded, parent.Status);
        Assert.Equal(10, (int)JsonNode.Parse(parent.Steps[0].OutputJson!)!["succeeded"]!);
    }

    [Fact]
    public async Task On_a_failed_item_fail_mode_starts_no_new_items_and_fails_the_step_naming_it()
    {
        var child = await _desk.SaveAsync(Workflow("Picky", Condition("check", "${trigger.body.item}", "ne", 3), Step("stop", "stop",
            new JsonObject { ["status"] = "failed", ["message"] = "three is not allowed" }).When(IsFalse("check"))));
        var parent = await _desk.RunAsync(Workflow("Loop", Foreach("each", Numbers(20), child, 2)));

        Assert.Equal(ExecutionStatus.Failed, parent.Status);
        var error = parent.Steps[0].ErrorHuman!;
        Assert.StartsWith("Item 2: Sub-workflow 'Picky' (run ", error, StringComparison.Ordinal);
        Assert.Contains("three is not allowed", error, StringComparison.Ordinal);
        await using var db = _desk.NewDb();
        var items = await db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == parent.Id).OrderBy(e => e.ItemIndex).ToListAsync();
        Assert.Equal(20, items.Count);
        Assert.All(items, i => Assert.True(i.Status.IsFinal(), $"item {i.ItemIndex} is {i.Status}"));
        var notStarted = items.Where(i => i.ErrorHuman == ForeachStep.NotStarted).ToList();
        Assert.NotEmpty(notStarted);
        Assert.All(notStarted, i => Assert.Equal(ExecutionStatus.Cancelled, i.Status));
        Assert.Contains($"; {notStarted.Count} were not started.", error, StringComparison.Ordinal);
        Assert.All(items.Where(i => i.ItemIndex < 2), i => Assert.Equal(ExecutionStatus.Succeeded, i.Status));
    }

    [Fact]
    public async Task Continue_mode_runs_every_item_and_reports_the_failures()
    {
        var child = await _desk.SaveAsync(Workflow("Odd only", Condition("odd", "${trigger.body.item}", "ne", 2), Transform("fail", "${trigger.body.missing}")
            .When(IsFalse("odd"))));
        var parent = await _desk.RunAsync(Workflow("Loop", Foreach("each", Numbers(5), child, 2, onItemError: "continue")));

        Assert.Equal(ExecutionStatus.Succeeded, parent.Status);
        var output = JsonNode.Parse(parent.Steps[0].OutputJson!)!;
        Assert.Equal(5, (int)output["count"]!);
        Assert.Equal(4, (int)output["succeeded"]!);
        Assert.Equal(1, (int)output["failed"]!);
        var failed = Assert.Single(output["results"]!.AsArray(), r => (string?)r!["status"] == "Failed")!;
        Assert.Equal(1, (int)failed["index"]!);
        Assert.Contains("trigger.body.missing", (string?)failed["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_parent_cancels_items_in_flight_and_those_not_started()
    {
        var child = await _desk.SaveAsync(Workflow("Slow item", Delay("wait", TimeSpan.FromHours(1))));
        var parentId = await _desk.StartAsync(await _desk.SaveAsync(Workflow("Loop", Foreach("each", Numbers(6), child, 2))));
        await _desk.RunDueWorkAsync();

        await _desk.Get<RunCancellation>().CancelAsync(parentId, AutomationDesk.Core.Auditing.Actor.System, CancellationToken.None);
        await _desk.RunDueWorkAsync();

        await using var db = _desk.NewDb();
        var items = await db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == parentId).ToListAsync();
        Assert.Equal(6, items.Count);
        Assert.All(items, i => Assert.Equal(ExecutionStatus.Cancelled, i.Status));
    }

    [Fact]
    public async Task An_empty_list_succeeds_with_no_runs_and_a_non_list_or_too_long_list_is_refused()
    {
        var child = await _desk.SaveAsync(Workflow("Item", Transform("x", 1)));
        var empty = await _desk.RunAsync(Workflow("Loop", Transform("list", new JsonArray()), Foreach("each", "${steps.list.output}", child, 4)));
        Assert.Equal(ExecutionStatus.Succeeded, empty.Status);
        Assert.Equal(0, (int)JsonNode.Parse(empty.Steps[1].OutputJson!)!["count"]!);

        var notAList = await _desk.RunAsync(Workflow("Loop", Transform("list", new JsonObject { ["a"] = 1 }), Foreach("each", "${steps.list.output}", child, 4)));
        Assert.Equal(ExecutionStatus.Failed, notAList.Status);
        Assert.Contains("config.items", notAList.Steps[1].ErrorHuman, StringComparison.Ordinal);

        var tooLong = await _desk.RunAsync(Workflow("Loop", Transform("list", Numbers(ForeachConfig.MaxItems + 1)), Foreach("each", "${steps.list.output}", child, 4)));
        Assert.Contains("10,001 items: a loop takes at most 10,000", tooLong.Steps[1].ErrorHuman, StringComparison.Ordinal);
        await using var db = _desk.NewDb();
        Assert.False(await db.Executions.AnyAsync(e => e.ParentExecutionId == tooLong.Id));
    }

    [Fact]
    public async Task Item_and_index_are_accepted_only_in_the_input_of_a_loop()
    {
        var child = await _desk.SaveAsync(Workflow("Item", Transform("x", 1)));
        var refused = await Assert.ThrowsAsync<AutomationDesk.Core.Workflows.WorkflowValidationException>(() =>
            _desk.SaveAsync(Workflow("Loop", Transform("bad", "${item}"), Foreach("each", new JsonArray(1), child, 1, input: new JsonObject { ["x"] = "${item.id}" }))));
        Assert.Contains("steps[0].config.value", refused.Errors.Keys);
        Assert.DoesNotContain("steps[1].config.input", refused.Errors.Keys);
    }

    [Fact]
    public async Task A_concurrency_or_item_error_mode_out_of_bounds_is_refused_at_save()
    {
        var child = await _desk.SaveAsync(Workflow("Item", Transform("x", 1)));
        var refused = await Assert.ThrowsAsync<AutomationDesk.Core.Workflows.WorkflowValidationException>(() =>
            _desk.SaveAsync(Workflow("Loop", Foreach("each", new JsonArray(1), child, 500, onItemError: "ignore"))));
        Assert.Equal(["Between 1 and 64."], refused.Errors["steps[0].config.concurrency"]);
        Assert.Equal(["Must be one of fail, continue."], refused.Errors["steps[0].config.onItemError"]);
    }

    private async Task<(int Running, int Done)> CountsAsync(Guid parentId)
    {
        await using var db = _desk.NewDb();
        var items = await db.Executions.AsNoTracking().Where(e => e.ParentExecutionId == parentId)
            .Select(e => new { e.Status, e.DueAt }).ToListAsync();
        return (items.Count(i => !i.Status.IsFinal() && i.DueAt != ExecutionLauncher.HeldUntilReleased), items.Count(i => i.Status.IsFinal()));
    }
}
