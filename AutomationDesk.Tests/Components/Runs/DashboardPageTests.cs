using AutomationDesk.Web.Components.Pages;
using Bunit;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class DashboardPageTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_dashboard_counts_runs_and_their_success_rate()
    {
        var good = await SaveSucceedingWorkflowAsync("Good");
        await RunToEndAsync(good);
        await RunToEndAsync(good);
        await RunToEndAsync(await SaveFailingWorkflowAsync("Bad"));

        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=stats-24h] [data-testid=stat-total]").TextContent), Patience);
        Assert.Equal("67%", cut.Find("[data-testid=stats-24h] [data-testid=stat-success-rate]").TextContent.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("2", cut.Find("[data-testid=stats-7d] [data-testid=count-Succeeded]").GetAttribute("data-count"));
        Assert.Single(cut.FindAll("[data-testid=failed-run]"));
    }

    [Fact]
    public async Task A_new_run_shows_live_as_in_progress()
    {
        var workflow = await SaveSucceedingWorkflowAsync("Good");
        await RunToEndAsync(workflow);
        var cut = Render<Home>();
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=stats-24h] [data-testid=stat-total]").TextContent), Patience);

        await StartAsync(workflow);

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=stats-24h] [data-testid=stat-total]").TextContent), Patience);
        Assert.Equal("1", cut.Find("[data-testid=stats-24h] [data-testid=count-Queued]").GetAttribute("data-count"));
    }

    [Fact]
    public async Task Retry_on_a_recent_failure_starts_the_same_workflow_with_the_same_input_as_its_child()
    {
        var failed = await RunToEndAsync(await SaveFailingWorkflowAsync("Bad"), "linus");
        var cut = Render<Home>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=retry-run]")), Patience);

        await cut.Find("[data-testid=retry-run]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=retry-plan-step]")), Patience);
        await cut.Find("[data-testid=retry-confirm]").ClickAsync(new());

        await using var db = NewDb();
        var retry = await db.Executions.SingleAsync(e => e.ParentExecutionId == failed.Id);
        Assert.Equal(failed.WorkflowId, retry.WorkflowId);
        Assert.Contains("\"linus\"", retry.TriggerInputJson, StringComparison.Ordinal);
        Assert.Equal(failed.Id, retry.OriginExecutionId);
    }

    [Fact]
    public void An_empty_desk_says_what_to_do_first()
    {
        var cut = Render<Home>();

        cut.WaitForAssertion(() => Assert.Contains("No runs in the last 7 days", cut.Find("[data-testid=empty-state]").TextContent), Patience);
    }
}
