using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Web.Components.Pages;
using AutomationDesk.Web.Components.Pages.Executions;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

/// <summary>Every retry shows the plan first, and a run already retried says by which run before it offers another retry.</summary>
public sealed class RetryPlanWarningTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private RunRetry Retries => Services.GetRequiredService<RunRetry>();

    [Fact]
    public async Task Retry_on_the_dashboard_shows_the_plan_and_starts_nothing_until_confirmed()
    {
        var failed = await RunToEndAsync(await SaveFailingWorkflowAsync("Dashboard plan"));
        var cut = Render<Home>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=retry-run]")), Patience);

        await cut.Find("[data-testid=retry-run]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("yes", cut.Find("[data-testid=retry-plan-step][data-step-id=broken]").GetAttribute("data-runs-again")), Patience);
        Assert.Equal("Start the retry", cut.Find("[data-testid=retry-confirm]").TextContent.Trim());
        await using var db = NewDb();
        Assert.False(await db.Executions.AnyAsync(e => e.ParentExecutionId == failed.Id));
    }

    [Fact]
    public async Task A_run_already_retried_shows_the_earlier_retry_and_asks_to_retry_again_anyway()
    {
        var failed = await RunToEndAsync(await SaveFailingWorkflowAsync("Retried once"));
        var first = await Retries.RetryAsync(failed.Id, RetryFrom.Start, Actor.User("ada@desk.test"), CancellationToken.None);

        var cut = Render<RetryPlanPanel>(p => p.Add(c => c.ExecutionId, failed.Id).Add(c => c.From, RetryFrom.Failed));

        cut.WaitForAssertion(() => Assert.Contains("Already retried by run", cut.Find("[data-testid=retry-already]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal(first.Id.ToString(), cut.Find("[data-testid=retry-earlier]").GetAttribute("data-execution-id"));
        Assert.Equal("Retry again anyway", cut.Find("[data-testid=retry-confirm]").TextContent.Trim());

        await cut.Find("[data-testid=retry-confirm]").ClickAsync(new());

        await using var db = NewDb();
        Assert.Equal(2, await db.Executions.CountAsync(e => e.ParentExecutionId == failed.Id));
    }

    [Fact]
    public async Task A_failure_whose_retry_succeeded_says_it_was_resolved_by_that_run()
    {
        var failed = await RunToEndAsync(await SaveFailingWorkflowAsync("Resolved later"));
        var retry = await Retries.RetryAsync(failed.Id, RetryFrom.Start, Actor.User("ada@desk.test"), CancellationToken.None);
        await using (var db = NewDb())
        {
            await db.Executions.Where(e => e.Id == retry.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, ExecutionStatus.Succeeded));
        }

        var cut = Render<RetryPlanPanel>(p => p.Add(c => c.ExecutionId, failed.Id).Add(c => c.From, RetryFrom.Start));

        cut.WaitForAssertion(() => Assert.Contains("Resolved by run", cut.Find("[data-testid=retry-already]").TextContent, StringComparison.Ordinal), Patience);
        Assert.Equal($"executions/{retry.Id}", cut.Find("[data-testid=retry-earlier]").GetAttribute("href"));
    }
}
