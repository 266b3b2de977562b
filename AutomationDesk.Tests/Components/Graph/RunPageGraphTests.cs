using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Web.Components.Pages.Executions;
using AutomationDesk.Web.Components.Shared;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Graph;

/// <summary>The run page's graph and its fixes: the editor link, "Not run", "Waiting for approval", kept steps, dates as written.</summary>
public sealed class RunPageGraphTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private const string FailsInTheMiddle = """
        [ { "id": "first", "type": "transform", "config": { "value": { "at": "2026-01-01T09:00:00+00:00" } } },
          { "id": "broken", "type": "transform", "config": { "value": "${trigger.missing.field}" } },
          { "id": "after", "type": "transform", "config": { "value": 1 } } ]
        """;

    private IRenderedComponent<RunPage> RenderRun(Guid id)
    {
        Render<MudPopoverProvider>();
        return Render<RunPage>(p => p.Add(c => c.Id, id));
    }

    [Fact]
    public async Task The_workflow_name_opens_the_workflow_in_the_editor()
    {
        var workflow = await SaveSucceedingWorkflowAsync("Linked");
        var run = await RunToEndAsync(workflow);

        var cut = RenderRun(run.Id);

        cut.WaitForAssertion(() => Assert.Equal($"workflows/{workflow}", cut.Find("[data-testid=run-workflow-link]").GetAttribute("href")), Patience);
        Assert.Equal("Linked", cut.Find("[data-testid=run-workflow-link]").TextContent.Trim());
    }

    [Fact]
    public async Task Steps_a_failure_left_behind_say_not_run_and_the_graph_colours_the_failed_node()
    {
        var run = await RunToEndAsync(await SaveWorkflowAsync("Fails midway", FailsInTheMiddle));

        var cut = RenderRun(run.Id);

        cut.WaitForAssertion(() => Assert.Equal("Not run", cut.Find("[data-testid=step][data-step-id=after] [data-testid=step-status]").TextContent.Trim()), Patience);
        Assert.Equal("Failed", cut.Find("[data-testid=step][data-step-id=broken] [data-testid=step-status]").TextContent.Trim());
        Assert.Equal(RunStatusColors.CssOf(Color.Error), cut.Find("[data-testid=run-graph] [data-testid=graph-node][data-step-id=broken]").GetAttribute("data-colour"));
        Assert.Equal("Not run", cut.Find("[data-testid=graph-node][data-step-id=after]").GetAttribute("data-status"));
        Assert.Equal(RunStatusColors.CssOf(Color.Success), cut.Find("[data-testid=graph-node][data-step-id=first]").GetAttribute("data-colour"));
    }

    [Fact]
    public async Task The_graph_follows_the_run_live()
    {
        var run = await StartAsync(await SaveWorkflowAsync("Live graph", FailsInTheMiddle));
        var cut = RenderRun(run.Id);
        cut.WaitForAssertion(() => Assert.Equal("Pending", cut.Find("[data-testid=graph-node][data-step-id=broken]").GetAttribute("data-status")), Patience);

        await RunQueuedAsync();

        cut.WaitForAssertion(() => Assert.Equal("Failed", cut.Find("[data-testid=graph-node][data-step-id=broken]").GetAttribute("data-status")), Patience);
    }

    [Fact]
    public async Task Clicking_a_node_opens_its_step_in_the_timeline_and_scrolls_to_it()
    {
        var run = await RunToEndAsync(await SaveWorkflowAsync("Click", FailsInTheMiddle));
        var cut = RenderRun(run.Id);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=graph-node][data-step-id=first]")), Patience);
        Assert.Empty(cut.FindAll("[data-testid=step][data-step-id=first] .mud-panel-expanded"));

        cut.Find("[data-testid=graph-node][data-step-id=first]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=step][data-step-id=first] .mud-panel-expanded")), Patience);
        cut.WaitForAssertion(() => Assert.Contains(JSInterop.Invocations, i => i.Identifier.Contains("scrollIntoView", StringComparison.Ordinal)
            && Equals(i.Arguments[0], "[id=\"step-first\"]")), Patience);
        Assert.NotNull(cut.Find("[data-testid=step][id=step-first]"));
    }

    [Fact]
    public async Task An_approval_waiting_says_waiting_for_approval()
    {
        var run = await RunToEndAsync(await SaveWorkflowAsync("Ask first", """[ { "id": "ask", "type": "approval", "config": { "message": "Go?" } } ]"""));

        var cut = RenderRun(run.Id);

        cut.WaitForAssertion(() => Assert.Equal("Waiting for approval", cut.Find("[data-testid=step][data-step-id=ask] [data-testid=step-status]").TextContent.Trim()), Patience);
        Assert.Equal("Waiting for approval", cut.Find("[data-testid=run-header] [data-testid=run-status]").TextContent.Trim());
        Assert.Equal("Waiting for approval", cut.Find("[data-testid=graph-node][data-step-id=ask]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task A_resumed_run_marks_the_steps_it_kept_from_the_original()
    {
        var original = await RunToEndAsync(await SaveWorkflowAsync("Resumable", FailsInTheMiddle));
        var resumed = await Services.GetRequiredService<RunRetry>().RetryAsync(original.Id, RetryFrom.Failed, Actor.User("tester@desk.test"), CancellationToken.None);
        await RunQueuedAsync();

        var cut = RenderRun(resumed.Id);

        cut.WaitForAssertion(() => Assert.Contains($"Kept from run {original.Id.ToString()[^8..]}",
            cut.Find("[data-testid=step][data-step-id=first] [data-testid=step-kept]").TextContent), Patience);
        Assert.Empty(cut.FindAll("[data-testid=step][data-step-id=broken] [data-testid=step-kept]"));
        Assert.Empty(cut.FindAll("[data-testid=step][data-step-id=after] [data-testid=step-kept]"));
    }

    [Fact]
    public async Task Dates_in_outputs_are_shown_and_copied_as_written()
    {
        var run = await RunToEndAsync(await SaveWorkflowAsync("Dated", FailsInTheMiddle));
        var cut = RenderRun(run.Id);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=graph-node][data-step-id=first]")), Patience);

        cut.Find("[data-testid=graph-node][data-step-id=first]").Click();

        cut.WaitForAssertion(() => Assert.Contains("2026-01-01T09:00:00+00:00", cut.Find("[data-testid=step][data-step-id=first] [data-testid=step-output]").TextContent), Patience);
        Assert.DoesNotContain("\\u002B", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("+00:00", JsonText.Pretty(JsonNode.Parse("""{ "at": "2026-01-01T09:00:00\u002B00:00" }""")), StringComparison.Ordinal);
        await using var db = NewDb();
        Assert.Contains("+00:00", db.StepRuns.Single(s => s.ExecutionId == run.Id && s.StepId == "first").OutputJson, StringComparison.Ordinal);
    }
}
