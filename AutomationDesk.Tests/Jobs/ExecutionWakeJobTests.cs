using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Support;
using AutomationDesk.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Jobs;

/// <summary>
/// Runs and their timers dispatched twice, as persistent timers are after a restart (the stored one and recovery's): the
/// run still runs once, and the second wake-up sets no second timer for the run's next wait.
/// </summary>
public sealed class ExecutionWakeJobTests : IAsyncLifetime
{
    private static readonly DateTimeOffset FirstDue = CoreDesk.Epoch.AddMinutes(5);
    private static readonly DateTimeOffset SecondDue = CoreDesk.Epoch.AddMinutes(10);

    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private ExecutionWakeJob Wake => new(_desk.Get<IDbContextFactory<DeskDbContext>>(), _desk.Dispatcher, _desk.Time);

    private List<QueuedDispatcher.Dispatch> DispatchesSince(int count) => _desk.Dispatcher.History.Skip(count).ToList();

    [Fact]
    public async Task A_run_dispatched_twice_runs_once()
    {
        var executionId = await _desk.StartAsync(await _desk.SaveAsync(Workflow(Transform("first", "a"), Transform("second", "b"))));
        var runner = _desk.Get<WorkflowRunner>();

        var ran = await Task.WhenAll(runner.RunAsync(executionId, CancellationToken.None), runner.RunAsync(executionId, CancellationToken.None));

        Assert.Single(ran, claimed => claimed);
        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.All(execution.Steps, step => Assert.Equal(1, step.Attempts));
    }

    [Fact]
    public async Task A_wake_up_that_comes_twice_resumes_the_run_once_and_sets_no_second_timer()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("first", TimeSpan.FromMinutes(5)), Delay("second", TimeSpan.FromMinutes(5)), Transform("after", "done")));
        Assert.Equal(FirstDue, execution.DueAt);
        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        var before = _desk.Dispatcher.History.Count;

        // The stored timer and recovery's both come before the run is taken: both hand it over, one claims it.
        await Wake.WakeAsync(execution.Id, FirstDue, CancellationToken.None);
        await Wake.WakeAsync(execution.Id, FirstDue, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        // A third, late: the run waits for its next due time now.
        await Wake.WakeAsync(execution.Id, FirstDue, CancellationToken.None);

        Assert.Equal(ExecutionStatus.Waiting, (await _desk.ExecutionAsync(execution.Id)).Status);
        Assert.Equal(
            [new(execution.Id, null), new(execution.Id, null), new(execution.Id, SecondDue)],
            DispatchesSince(before));

        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        before = _desk.Dispatcher.History.Count;
        await Wake.WakeAsync(execution.Id, SecondDue, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        await Wake.WakeAsync(execution.Id, SecondDue, CancellationToken.None);

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.All(finished.Steps, step => Assert.Equal(1, step.Attempts));
        Assert.Equal([new(execution.Id, null)], DispatchesSince(before));
    }

    [Fact]
    public async Task A_wake_up_that_comes_early_sets_its_timer_again_and_does_not_hand_the_run_over()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done")));
        _desk.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(600));
        var before = _desk.Dispatcher.History.Count;

        await Wake.WakeAsync(execution.Id, FirstDue, CancellationToken.None);

        Assert.Equal([new(execution.Id, FirstDue)], DispatchesSince(before));
        Assert.Equal(ExecutionStatus.Waiting, (await _desk.ExecutionAsync(execution.Id)).Status);
    }
}
