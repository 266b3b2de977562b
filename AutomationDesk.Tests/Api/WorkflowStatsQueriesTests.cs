using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Api;

namespace AutomationDesk.Tests.Api;

/// <summary>The analytics figures against a seeded history whose every figure is known (the clock is CoreDesk's).</summary>
public sealed class WorkflowStatsQueriesTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private Guid _workflowId;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _workflowId = await _desk.SaveAsync(Definitions.Workflow("Analysed", Definitions.Transform("fetch", 1), Definitions.Transform("send", 2)));
        var otherWorkflow = await _desk.SaveAsync(Definitions.Workflow("Other", Definitions.Transform("fetch", 1)));
        var today = CoreDesk.Epoch; // 2026-03-02 09:00 UTC
        var yesterday = today.AddDays(-1);
        var sixDaysAgo = today.AddDays(-6);
        await SeedAsync(
            Run(today, ExecutionStatus.Succeeded, 100, steps: [Step("fetch", 10), Step("send", 500)]),
            Run(today, ExecutionStatus.Succeeded, 300, steps: [Step("fetch", 20), Step("send", 100)]),
            Run(today, ExecutionStatus.Failed, 200, error: "Step 'send' (send) failed: boom", steps: [Step("fetch", 30)]),
            Run(today, ExecutionStatus.Cancelled, null, steps: [Step("send", null, StepStatus.Skipped)]),
            Run(yesterday, ExecutionStatus.Succeeded, 1000),
            Run(yesterday, ExecutionStatus.TimedOut, 5000, error: "The run took longer than its timeout"),
            Run(yesterday, ExecutionStatus.Failed, 400, error: "Step 'send' (send) failed: boom"),
            Run(sixDaysAgo, ExecutionStatus.Succeeded, 50),
            // Outside the window, a dry run, a test run and another workflow's run: none of them counts.
            Run(today.AddDays(-7), ExecutionStatus.Succeeded, 9999),
            Run(today, ExecutionStatus.Succeeded, 7777, dryRun: true, steps: [Step("send", 99999)]),
            Run(today, ExecutionStatus.Failed, 10, error: "test boom", trigger: ExecutionLauncher.TestTriggerKind),
            Run(today, ExecutionStatus.Failed, 10, error: "other boom", workflowId: otherWorkflow));
    }

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task Totals_count_the_window_without_dry_or_test_runs()
    {
        var stats = await StatsAsync("7d");

        Assert.Equal(8, stats.Runs);
        Assert.Equal(4.0 / 7, stats.SuccessRate);
        Assert.Equal(300, stats.P50Ms);
        Assert.Equal(5000, stats.P95Ms);
    }

    [Fact]
    public async Task Each_day_of_the_window_has_its_runs_by_status_and_its_durations()
    {
        var stats = await StatsAsync("7d");

        Assert.Equal(
            [
                new DayStats("2026-02-24", 1, 0, 0, 50, 50),
                new DayStats("2026-02-25", 0, 0, 0, null, null),
                new DayStats("2026-02-26", 0, 0, 0, null, null),
                new DayStats("2026-02-27", 0, 0, 0, null, null),
                new DayStats("2026-02-28", 0, 0, 0, null, null),
                new DayStats("2026-03-01", 1, 2, 0, 1000, 5000),
                new DayStats("2026-03-02", 2, 1, 1, 200, 300),
            ],
            stats.PerDay);
    }

    [Fact]
    public async Task Slowest_steps_are_ranked_by_their_p95()
    {
        var stats = await StatsAsync("7d");

        Assert.Equal([new SlowStep("send", 500), new SlowStep("fetch", 30)], stats.SlowestSteps);
    }

    [Fact]
    public async Task Top_errors_are_the_most_frequent_messages_first()
    {
        var stats = await StatsAsync("7d");

        Assert.Equal(
            [new FrequentError("Step 'send' (send) failed: boom", 2), new FrequentError("The run took longer than its timeout", 1)],
            stats.TopErrors);
    }

    [Fact]
    public async Task A_longer_window_reaches_older_runs()
    {
        var stats = await StatsAsync("30d");

        Assert.Equal(9, stats.Runs);
        Assert.Equal(30, stats.PerDay.Count);
        Assert.Equal(new DayStats("2026-02-23", 1, 0, 0, 9999, 9999), stats.PerDay[^8]);
    }

    private async Task<WorkflowStats> StatsAsync(string window)
    {
        await using var db = _desk.NewDb();
        return (await WorkflowStatsQueries.StatsAsync(db, _workflowId, window, _desk.Time.GetUtcNow(), CancellationToken.None))!;
    }

    private async Task SeedAsync(params Execution[] runs)
    {
        await using var db = _desk.NewDb();
        db.Executions.AddRange(runs);
        await db.SaveChangesAsync();
    }

    private Execution Run(
        DateTimeOffset createdAt, ExecutionStatus status, long? durationMs, string? error = null, bool dryRun = false,
        string trigger = "manual", Guid? workflowId = null, StepRun[]? steps = null)
    {
        var id = Guid.CreateVersion7();
        steps ??= [];
        foreach (var (step, position) in steps.Select((s, i) => (s, i)))
        {
            step.ExecutionId = id;
            step.Position = position;
        }
        return new Execution
        {
            Id = id,
            WorkflowId = workflowId ?? _workflowId,
            WorkflowVersion = 1,
            WorkflowName = "Analysed",
            Status = status,
            TriggerKind = trigger,
            CreatedAt = createdAt,
            StartedAt = durationMs is null ? null : createdAt,
            FinishedAt = createdAt.AddMilliseconds(durationMs ?? 0),
            DurationMs = durationMs,
            ErrorHuman = error,
            CorrelationId = id.ToString("N"),
            DryRun = dryRun,
            Steps = [.. steps],
        };
    }

    private static StepRun Step(string stepId, long? durationMs, StepStatus status = StepStatus.Succeeded) => new()
    {
        Id = Guid.CreateVersion7(),
        StepId = stepId,
        Type = "transform",
        Name = stepId,
        Status = status,
        Attempts = durationMs is null ? 0 : 1,
        StartedAt = durationMs is null ? null : CoreDesk.Epoch,
        DurationMs = durationMs,
    };
}
