using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>The run page of workflows that run others: a loop's progress and item runs, a sub-workflow's link, a child's origin.</summary>
public sealed class RunPageLoopTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Each item's run fails when its item is "bad": its one step reads a field only "bad" items lack.</summary>
    private Task<Guid> SaveItemWorkflowAsync() => SaveWorkflowAsync("Ship item",
        """[ { "id": "ship", "type": "transform", "config": { "value": "${trigger.body.order.id}" } } ]""");

    private async Task<Guid> SaveLoopAsync(Guid each, int concurrency) => await SaveWorkflowAsync("Ship all", $$"""
        [ { "id": "loop", "type": "foreach", "config": { "items": [ { "id": 1 }, "bad", { "id": 3 } ], "workflowId": "{{each}}",
            "input": { "order": "${item}" }, "concurrency": {{concurrency}}, "onItemError": "continue" } } ]
        """);

    /// <summary>Runs one queued run (an item or the woken loop): the page sees the loop move one run at a time.</summary>
    private async Task<bool> RunOneAsync()
    {
        if (!Services.GetRequiredService<QueuedRuns>().TryTake(out var id))
        {
            return false;
        }
        await Services.GetRequiredService<WorkflowRunner>().RunAsync(id, CancellationToken.None);
        return true;
    }

    [Fact]
    public async Task A_loop_shows_its_progress_live_and_lists_its_item_runs_with_links_and_errors()
    {
        var loop = await StartAsync(await SaveLoopAsync(await SaveItemWorkflowAsync(), concurrency: 1));
        await RunOneAsync(); // the loop writes its three item runs and releases the first
        var cut = Render<RunPage>(p => p.Add(c => c.Id, loop.Id));
        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("[data-testid=loop-progress]").GetAttribute("data-done")), Patience);
        Assert.Equal("3", cut.Find("[data-testid=loop-progress]").GetAttribute("data-count"));
        Assert.Equal(3, cut.FindAll("[data-testid=item-run]").Count);

        await RunOneAsync(); // item 0 succeeds and wakes the loop
        await RunOneAsync(); // the loop counts it and releases item 1
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=loop-progress]").GetAttribute("data-done")), Patience);
        Assert.Contains("1 succeeded, 0 failed, 1 running", cut.Find("[data-testid=loop-counts]").TextContent);

        while (await RunOneAsync())
        {
        }
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=loop-progress]").GetAttribute("data-done")), Patience);
        cut.WaitForAssertion(() => Assert.Equal("Failed", cut.Find("[data-testid=item-run][data-index='1']").GetAttribute("data-status")), Patience);
        Assert.Contains("2 succeeded, 1 failed", cut.Find("[data-testid=loop-counts]").TextContent);
        await using var db = NewDb();
        var bad = await db.Executions.SingleAsync(e => e.ParentExecutionId == loop.Id && e.ItemIndex == 1);
        var row = cut.Find("[data-testid=item-run][data-index='1']");
        Assert.Equal($"executions/{bad.Id}", row.QuerySelector("[data-testid=item-run-link]")!.GetAttribute("href"));
        Assert.Contains("order", row.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=child-run]")); // item runs are not listed as the run's re-runs
    }

    [Fact]
    public async Task The_item_list_filters_by_status()
    {
        var loop = await StartAsync(await SaveLoopAsync(await SaveItemWorkflowAsync(), concurrency: 4));
        await RunQueuedAsync();
        var cut = Render<RunPage>(p => p.Add(c => c.Id, loop.Id));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=item-run]").Count), Patience);

        var filter = cut.FindComponent<MudBlazor.MudSelect<ItemRunList.ItemFilter>>();
        await cut.InvokeAsync(() => filter.Instance.ValueChanged.InvokeAsync(ItemRunList.ItemFilter.Failed));

        cut.WaitForAssertion(() => Assert.Equal(["1"], cut.FindAll("[data-testid=item-run]").Select(r => r.GetAttribute("data-index"))), Patience);
    }

    [Fact]
    public async Task An_item_run_s_header_names_the_loop_step_and_item_and_links_back()
    {
        var loop = await StartAsync(await SaveLoopAsync(await SaveItemWorkflowAsync(), concurrency: 4));
        await RunQueuedAsync();
        await using var db = NewDb();
        var item = await db.Executions.SingleAsync(e => e.ParentExecutionId == loop.Id && e.ItemIndex == 2);

        var cut = Render<RunPage>(p => p.Add(c => c.Id, item.Id));

        cut.WaitForAssertion(() => Assert.Contains("Ship all · step loop · item 2", cut.Find("[data-testid=run-origin]").TextContent), Patience);
        Assert.Equal($"executions/{loop.Id}", cut.Find("[data-testid=run-origin] [data-testid=parent-run]").GetAttribute("href"));
    }

    [Fact]
    public async Task A_workflow_run_step_links_its_child_run_with_the_child_s_status()
    {
        var child = await SaveWorkflowAsync("Greet child", """[ { "id": "greet", "type": "transform", "config": { "value": { "hello": "${trigger.body.who}" } } } ]""");
        var parent = await SaveWorkflowAsync("Call child", $$"""[ { "id": "call", "type": "workflow.run", "config": { "workflowId": "{{child}}", "input": { "who": "ada" } } } ]""");
        var run = await RunToEndAsync(parent);
        await using var db = NewDb();
        var childRun = await db.Executions.SingleAsync(e => e.ParentExecutionId == run.Id);

        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.Equal($"executions/{childRun.Id}", cut.Find("[data-testid=step][data-step-id=call] [data-testid=child-run-link]").GetAttribute("href")), Patience);
        Assert.Equal("Succeeded", cut.Find("[data-testid=child-run-of-step] [data-testid=run-status]").GetAttribute("data-status"));
        var childPage = Render<RunPage>(p => p.Add(c => c.Id, childRun.Id));
        childPage.WaitForAssertion(() => Assert.Contains("Call child · step call", childPage.Find("[data-testid=run-origin]").TextContent), Patience);
        Assert.DoesNotContain("item", childPage.Find("[data-testid=run-origin]").TextContent);
    }

    [Fact]
    public async Task An_error_workflow_s_run_names_the_failed_run()
    {
        var handler = await SaveSucceedingWorkflowAsync("On failure");
        var failing = await SaveWorkflowAsync("Fragile", """[ { "id": "broken", "type": "transform", "config": { "value": "${trigger.missing.field}" } } ]""",
            $$"""{ "onFailure": { "workflowId": "{{handler}}" } }""");
        var failed = await RunToEndAsync(failing);
        await using var db = NewDb();
        var errorRun = await db.Executions.SingleAsync(e => e.WorkflowId == handler);

        var cut = Render<RunPage>(p => p.Add(c => c.Id, errorRun.Id));

        cut.WaitForAssertion(() => Assert.Contains("Error workflow of", cut.Find("[data-testid=run-origin]").TextContent), Patience);
        Assert.Contains("Fragile", cut.Find("[data-testid=run-origin]").TextContent);
        Assert.Equal($"executions/{failed.Id}", cut.Find("[data-testid=run-origin] [data-testid=parent-run]").GetAttribute("href"));
    }
}
