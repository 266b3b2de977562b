using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Web.Components.Pages.Workflows;
using AutomationDesk.Web.Components.Shared;
using Bunit;

namespace AutomationDesk.Tests.Components.Workflows;

public sealed class WorkflowAnalyticsTests : RunsPageTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_tab_shows_the_figures_of_the_workflow_runs_once_it_is_shown()
    {
        var workflowId = await SeedAsync();

        var cut = Render<WorkflowAnalytics>(p => p.Add(a => a.WorkflowId, workflowId).Add(a => a.Active, false));
        Assert.Empty(cut.FindAll("[data-testid=analytics-runs]"));
        cut.Render(p => p.Add(a => a.WorkflowId, workflowId).Add(a => a.Active, true));

        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("[data-testid=analytics-runs]").TextContent), Patience);
        Assert.Equal("75%", cut.Find("[data-testid=analytics-success-rate]").TextContent.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("200 ms", cut.Find("[data-testid=analytics-p50]").TextContent);
        Assert.Equal("1.5 s", cut.Find("[data-testid=analytics-p95]").TextContent);
        Assert.Equal(["send", "fetch"], cut.FindAll("[data-testid=slow-step]").Select(r => r.GetAttribute("data-step")));
        var error = Assert.Single(cut.FindAll("[data-testid=top-error]"));
        Assert.Contains("SMTP said no", error.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choosing_another_window_reads_the_figures_again()
    {
        var workflowId = await SeedAsync(olderRun: true);
        var cut = Render<WorkflowAnalytics>(p => p.Add(a => a.WorkflowId, workflowId).Add(a => a.Active, true));
        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("[data-testid=analytics-runs]").TextContent), Patience);

        await cut.Find("[data-testid=window-30d]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("5", cut.Find("[data-testid=analytics-runs]").TextContent), Patience);
    }

    [Fact]
    public async Task Runs_per_day_paint_failed_runs_in_the_failed_chip_colour()
    {
        var workflowId = await SeedAsync();

        var cut = Render<WorkflowAnalytics>(p => p.Add(a => a.WorkflowId, workflowId).Add(a => a.Active, true));

        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("[data-testid=analytics-runs]").TextContent), Patience);
        Assert.Equal(RunStatusColors.CssOf(MudBlazor.Color.Error), ChartColours.Of(cut.Find("[data-testid=analytics-per-day]"))["Failed"]);
        Assert.Equal(RunStatusColors.CssOf(MudBlazor.Color.Success), ChartColours.Of(cut.Find("[data-testid=analytics-per-day]"))["Succeeded"]);
    }

    /// <summary>Three succeeded runs (100, 200, 300 ms) and a failed one (1500 ms) an hour ago; optionally one 10 days ago.</summary>
    private async Task<Guid> SeedAsync(bool olderRun = false)
    {
        var workflowId = await SaveSucceedingWorkflowAsync("Analysed");
        var now = DateTimeOffset.UtcNow.AddHours(-1);
        await using var db = NewDb();
        Execution Run(ExecutionStatus status, long ms, string? error = null, DateTimeOffset? at = null)
        {
            var id = Guid.CreateVersion7();
            var created = at ?? now;
            return new Execution
            {
                Id = id, WorkflowId = workflowId, WorkflowVersion = 1, WorkflowName = "Analysed", Status = status, TriggerKind = "manual",
                CreatedAt = created, StartedAt = created, FinishedAt = created.AddMilliseconds(ms), DurationMs = ms, ErrorHuman = error,
                CorrelationId = id.ToString("N"),
                Steps =
                [
                    new StepRun { Id = Guid.CreateVersion7(), ExecutionId = id, StepId = "fetch", Type = "transform", Name = "fetch", Position = 0, Status = StepStatus.Succeeded, Attempts = 1, StartedAt = created, DurationMs = ms / 10 },
                    new StepRun { Id = Guid.CreateVersion7(), ExecutionId = id, StepId = "send", Type = "transform", Name = "send", Position = 1, Status = status == ExecutionStatus.Succeeded ? StepStatus.Succeeded : StepStatus.Failed, Attempts = 1, StartedAt = created, DurationMs = ms / 2 },
                ],
            };
        }
        db.Executions.AddRange(
            Run(ExecutionStatus.Succeeded, 100), Run(ExecutionStatus.Succeeded, 200), Run(ExecutionStatus.Succeeded, 300),
            Run(ExecutionStatus.Failed, 1500, "Step 'send' (send) failed: SMTP said no"));
        if (olderRun)
        {
            db.Executions.Add(Run(ExecutionStatus.Succeeded, 100, at: now.AddDays(-10)));
        }
        await db.SaveChangesAsync();
        return workflowId;
    }
}
