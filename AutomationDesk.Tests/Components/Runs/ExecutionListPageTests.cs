using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class ExecutionListPageTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_list_shows_every_run_newest_first_with_its_status()
    {
        var good = await SaveSucceedingWorkflowAsync("Alpha");
        var bad = await SaveFailingWorkflowAsync("Beta");
        await RunToEndAsync(good);
        await RunToEndAsync(bad);

        var cut = Render<ExecutionList>();

        cut.WaitForAssertion(() => Assert.Equal(["Failed", "Succeeded"],
            cut.FindAll("[data-testid=run-status]").Select(c => c.GetAttribute("data-status"))), Patience);
    }

    [Fact]
    public async Task A_status_filter_keeps_only_runs_in_that_status()
    {
        await RunToEndAsync(await SaveSucceedingWorkflowAsync("Alpha"));
        await RunToEndAsync(await SaveFailingWorkflowAsync("Beta"));

        Services.GetRequiredService<NavigationManager>().NavigateTo("executions?status=Failed");
        var cut = Render<ExecutionList>();

        cut.WaitForAssertion(() => Assert.Equal(["Beta"], cut.FindAll("[data-testid=execution-link]").Select(a => a.TextContent)), Patience);
    }

    [Fact]
    public async Task A_text_search_finds_runs_by_workflow_name()
    {
        await RunToEndAsync(await SaveSucceedingWorkflowAsync("Invoices nightly"));
        await RunToEndAsync(await SaveSucceedingWorkflowAsync("Payments"));
        var cut = Render<ExecutionList>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=execution-link]").Count), Patience);

        cut.Find("[data-testid=filter-text] input, input[data-testid=filter-text]").Input("invoice");

        cut.WaitForAssertion(() => Assert.Equal(["Invoices nightly"], cut.FindAll("[data-testid=execution-link]").Select(a => a.TextContent)), Patience);
    }

    [Fact]
    public async Task A_business_key_filter_keeps_the_runs_with_that_key()
    {
        var workflow = await SaveWorkflowAsync("Orders", """[ { "id": "a", "type": "transform", "config": { "value": 1 } } ]""",
            """{ "keys": { "customer": "${trigger.who}" } }""");
        await RunToEndAsync(workflow, "c1");
        var other = await RunToEndAsync(workflow, "c2");

        Services.GetRequiredService<NavigationManager>().NavigateTo("executions?key=customer%3Dc2");
        var cut = Render<ExecutionList>();

        cut.WaitForAssertion(() => Assert.Equal([other.Id.ToString()],
            cut.FindAll("[data-testid=execution-link]").Select(a => a.GetAttribute("data-execution-id"))), Patience);
    }

    [Fact]
    public void An_empty_desk_says_how_to_start_a_run()
    {
        var cut = Render<ExecutionList>();

        cut.WaitForAssertion(() => Assert.Contains("No runs yet", cut.Find("[data-testid=empty-state]").TextContent), Patience);
    }

    [Fact]
    public async Task A_run_started_while_the_list_is_open_appears_and_its_status_changes_live()
    {
        var workflow = await SaveSucceedingWorkflowAsync("Live one");
        var cut = Render<ExecutionList>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=empty-state]")), Patience);

        var started = await StartAsync(workflow);

        cut.WaitForAssertion(() => Assert.Equal("Queued", cut.Find("[data-testid=run-status]").GetAttribute("data-status")), Patience);
        Assert.Equal(started.Id.ToString(), cut.Find("[data-testid=execution-link]").GetAttribute("data-execution-id"));

        await RunQueuedAsync();

        cut.WaitForAssertion(() => Assert.Equal(nameof(ExecutionStatus.Succeeded), cut.Find("[data-testid=run-status]").GetAttribute("data-status")), Patience);
    }
}
