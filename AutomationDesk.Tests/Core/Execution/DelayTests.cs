using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class DelayTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    [Fact]
    public async Task A_delay_leaves_the_run_waiting_and_dispatched_for_its_due_time()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done")));

        var due = CoreDesk.Epoch.AddMinutes(5);
        Assert.Equal(ExecutionStatus.Waiting, execution.Status);
        Assert.Equal(due, execution.DueAt);
        Assert.Null(execution.LeaseOwner);
        Assert.Equal(StepStatus.Waiting, execution.Steps[0].Status);
        Assert.Equal(due, execution.Steps[0].ResumeAt);
        Assert.Equal(StepStatus.Pending, execution.Steps[1].Status);
        Assert.Equal(new QueuedDispatcher.Dispatch(execution.Id, due), _desk.Dispatcher.History[^1]);
    }

    [Fact]
    public async Task A_waiting_run_is_not_resumed_before_its_time()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done")));

        _desk.Time.Advance(TimeSpan.FromMinutes(4));
        await _desk.RunDueWorkAsync();
        var early = await _desk.Get<WorkflowRunner>().RunAsync(execution.Id, CancellationToken.None);

        Assert.False(early);
        Assert.Equal(ExecutionStatus.Waiting, (await _desk.ExecutionAsync(execution.Id)).Status);
    }

    [Fact]
    public async Task A_delay_step_resumes_once_its_time_has_passed()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done")));

        _desk.Time.Advance(TimeSpan.FromMinutes(5));
        await _desk.RunDueWorkAsync();

        var finished = await _desk.ExecutionAsync(execution.Id);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(StepStatus.Succeeded, finished.Steps[0].Status);
        Assert.Equal(300_000, finished.Steps[0].DurationMs);
        Assert.Equal("\"done\"", finished.OutputJson);
        Assert.Equal(CoreDesk.Epoch.AddMinutes(5), finished.FinishedAt);
        Assert.Equal(100, finished.Progress);
    }

    [Fact]
    public async Task A_delay_until_a_moment_waits_for_that_moment()
    {
        var until = CoreDesk.Epoch.AddHours(2);

        var execution = await _desk.RunAsync(Workflow(Step("pause", "delay", new JsonObject { ["until"] = until.ToString("O") })));

        Assert.Equal(until, execution.DueAt);
        _desk.Time.Advance(TimeSpan.FromHours(2));
        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(execution.Id)).Status);
    }
}
