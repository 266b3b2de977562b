using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class RunPageTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_finished_run_shows_its_steps_as_parallel_stages_with_their_outputs()
    {
        var workflow = await SaveWorkflowAsync("Fan out", """
            [ { "id": "left", "type": "transform", "dependsOn": [], "config": { "value": { "side": "left" } } },
              { "id": "right", "type": "transform", "dependsOn": [], "config": { "value": { "side": "right" } } },
              { "id": "join", "type": "transform", "dependsOn": ["left", "right"], "config": { "value": "${steps.left.output.side}-${steps.right.output.side}" } } ]
            """);
        var run = await RunToEndAsync(workflow);

        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=step][data-step-status=Succeeded]").Count), Patience);
        var stages = cut.FindAll("[data-testid=step-stage]");
        Assert.Equal(["0", "1"], stages.Select(s => s.GetAttribute("data-depth")));
        Assert.Equal(2, stages[0].QuerySelectorAll("[data-testid=step]").Length);
        Assert.Contains("2 in parallel", stages[0].TextContent);
        Assert.Contains("\"left-right\"", cut.Find("[data-testid=run-output]").TextContent);
        Assert.Equal("100", cut.Find("[data-testid=run-progress]").GetAttribute("data-progress"));
    }

    [Fact]
    public async Task A_failed_run_says_plainly_what_went_wrong_and_opens_the_failed_step()
    {
        var run = await RunToEndAsync(await SaveFailingWorkflowAsync("Broken"));

        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.Contains("trigger.missing", cut.Find("[data-testid=run-error]").TextContent), Patience);
        Assert.Contains("trigger.missing", cut.Find("[data-testid=step][data-step-id=broken] [data-testid=step-error]").TextContent);
    }

    [Fact]
    public async Task The_run_page_follows_a_run_live_from_queued_to_succeeded()
    {
        var run = await StartAsync(await SaveSucceedingWorkflowAsync("Watched"), "grace");
        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));
        cut.WaitForAssertion(() => Assert.Equal("Queued", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);

        await RunQueuedAsync();

        cut.WaitForAssertion(() => Assert.Equal("Succeeded", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);
        Assert.Contains("\"grace\"", cut.Find("[data-testid=step][data-step-id=greet]").TextContent);
        Assert.NotEmpty(cut.FindAll("[data-testid=log-row]"));
    }

    [Fact]
    public async Task An_editor_sees_cancel_on_a_run_that_has_not_ended_and_cancelling_ends_it()
    {
        var run = await StartAsync(await SaveSucceedingWorkflowAsync("Queued one"));
        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=cancel-run]")), Patience);

        await cut.Find("[data-testid=cancel-run]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Cancelled", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);
        Assert.Empty(cut.FindAll("[data-testid=cancel-run]"));
        await using var db = NewDb();
        Assert.Equal(StepStatus.Cancelled, (await db.StepRuns.SingleAsync(s => s.ExecutionId == run.Id)).Status);
    }

    [Fact]
    public async Task A_viewer_does_not_see_cancel()
    {
        Auth.SetRoles("Viewer");
        Auth.SetPolicies(ReadPolicy);
        var run = await StartAsync(await SaveSucceedingWorkflowAsync("Queued one"));

        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=run-header]")), Patience);
        Assert.Empty(cut.FindAll("[data-testid=cancel-run]"));
    }

    [Fact]
    public async Task A_finished_run_has_no_cancel()
    {
        var run = await RunToEndAsync(await SaveSucceedingWorkflowAsync("Done"));

        var cut = Render<RunPage>(p => p.Add(c => c.Id, run.Id));

        cut.WaitForAssertion(() => Assert.Equal("Succeeded", cut.Find("[data-testid=run-header] [data-testid=run-status]").GetAttribute("data-status")), Patience);
        Assert.Empty(cut.FindAll("[data-testid=cancel-run]"));
    }

    [Fact]
    public void An_unknown_run_says_so_and_where_to_look()
    {
        var cut = Render<RunPage>(p => p.Add(c => c.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => Assert.Contains("does not exist", cut.Find("[data-testid=empty-state]").TextContent), Patience);
    }
}
