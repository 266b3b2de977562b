using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

/// <summary>A waiting run whose timer was lost is dispatched by the minute's sweep, and runs once; a timer on time is left to fire.</summary>
public sealed class OverdueTimerSweepTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task A_delay_whose_timer_was_lost_ends_after_the_sweep_and_a_timer_still_within_its_grace_is_left_alone()
    {
        var soon = await _desk.SaveAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(1)), Transform("after", new JsonObject { ["done"] = true })));
        var later = await _desk.SaveAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(10)), Transform("after", new JsonObject { ["done"] = true })));
        var lost = await _desk.StartAsync(soon);
        var onTime = await _desk.StartAsync(later);
        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Waiting, (await _desk.ExecutionAsync(lost)).Status);
        // Past the first run's due time and its grace, as if its timer never fired; the second one's is still ahead.
        _desk.Time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(30));
        var dispatchedBefore = _desk.Dispatcher.History.Count;

        var swept = await _desk.Get<OverdueTimerSweep>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, swept);
        Assert.Equal(new QueuedDispatcher.Dispatch(lost, null), Assert.Single(_desk.Dispatcher.History.Skip(dispatchedBefore)));
        await _desk.RunDueWorkAsync();
        var ended = await _desk.ExecutionAsync(lost);
        Assert.Equal(ExecutionStatus.Succeeded, ended.Status);
        // Its own timer came too (the test's dispatcher kept it): the claim let the run go on once.
        Assert.Equal(1, Assert.Single(ended.Steps, s => s.StepId == "after").Attempts);
        Assert.Equal(ExecutionStatus.Waiting, (await _desk.ExecutionAsync(onTime)).Status);
    }
}
