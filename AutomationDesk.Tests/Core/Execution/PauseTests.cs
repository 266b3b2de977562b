using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class PauseTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly Actor Person = Actor.User("erin@desk.test");
    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;
    private int _calls;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app => app.MapGet("/slow", async () =>
        {
            Interlocked.Increment(ref _calls);
            _called.TrySetResult();
            await _release.Task;
            return Results.Json(new { ok = true });
        }));
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private RunPause Pauses => _desk.Get<RunPause>();

    [Fact]
    public async Task A_running_run_pauses_at_the_next_step_boundary_and_resumes_after_its_last_finished_step()
    {
        var executionId = await _desk.StartAsync(await _desk.SaveAsync(Workflow(
            Http("call", _server.Url("/slow")), Transform("after", "${steps.call.output.body.ok}").DependsOn("call"))));
        _desk.Dispatcher.TakeDue(_desk.Time.GetUtcNow());
        var running = _desk.Get<WorkflowRunner>().RunAsync(executionId, CancellationToken.None);
        await _called.Task.WaitAsync(Bound);

        var outcome = await Pauses.PauseAsync(executionId, Person, CancellationToken.None);
        _release.SetResult();
        await running.WaitAsync(Bound);

        Assert.True(outcome.Pausing);
        var paused = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Paused, paused.Status);
        Assert.Null(paused.LeaseOwner);
        Assert.Null(paused.DueAt);
        Assert.Equal(StepStatus.Succeeded, paused.Steps[0].Status);
        Assert.Equal(StepStatus.Pending, paused.Steps[1].Status);
        Assert.Equal(0, _desk.Dispatcher.PendingCount);

        var resumed = await Pauses.ResumeAsync(executionId, Person, CancellationToken.None);
        await _desk.RunDueWorkAsync();

        Assert.Equal(ExecutionStatus.Queued, resumed.Status);
        var finished = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(1, _calls);
        Assert.Equal(1, finished.Steps[0].Attempts);
        Assert.Equal("true", finished.OutputJson);
    }

    [Fact]
    public async Task A_queued_run_is_paused_at_once_and_not_run_until_resumed()
    {
        var executionId = await _desk.StartAsync(await _desk.SaveAsync(Workflow(Transform("only", "done"))));

        var outcome = await Pauses.PauseAsync(executionId, Person, CancellationToken.None);
        await _desk.RunDueWorkAsync();

        Assert.False(outcome.Pausing);
        Assert.Equal(ExecutionStatus.Paused, (await _desk.ExecutionAsync(executionId)).Status);
        await Pauses.ResumeAsync(executionId, Person, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(executionId)).Status);
    }

    [Fact]
    public async Task A_paused_waiting_run_does_not_wake_at_its_timer_and_waits_again_when_resumed()
    {
        var execution = await _desk.RunAsync(Workflow(Delay("pause", TimeSpan.FromMinutes(5)), Transform("after", "done").DependsOn("pause")));
        await Pauses.PauseAsync(execution.Id, Person, CancellationToken.None);

        _desk.Time.Advance(TimeSpan.FromMinutes(2));
        await Pauses.ResumeAsync(execution.Id, Person, CancellationToken.None);
        await _desk.RunDueWorkAsync();
        var waiting = await _desk.ExecutionAsync(execution.Id);
        _desk.Time.Advance(TimeSpan.FromMinutes(3));
        await _desk.RunDueWorkAsync();

        Assert.Equal(ExecutionStatus.Waiting, waiting.Status);
        Assert.Equal(CoreDesk.Epoch.AddMinutes(5), waiting.DueAt);
        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(execution.Id)).Status);
    }

    [Fact]
    public async Task A_paused_run_can_be_cancelled()
    {
        var executionId = await _desk.StartAsync(await _desk.SaveAsync(Workflow(Transform("only", "done"))));
        await Pauses.PauseAsync(executionId, Person, CancellationToken.None);

        var outcome = await _desk.Get<RunCancellation>().CancelAsync(executionId, Person, CancellationToken.None);

        Assert.Equal(ExecutionStatus.Cancelled, outcome.Status);
        Assert.Equal(StepStatus.Cancelled, (await _desk.ExecutionAsync(executionId)).Steps[0].Status);
    }

    [Fact]
    public async Task Pausing_a_paused_or_ended_run_and_resuming_a_run_that_is_not_paused_are_conflicts()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("only", "done")));

        var pause = await Assert.ThrowsAsync<DeskProblemException>(() => Pauses.PauseAsync(execution.Id, Person, CancellationToken.None));
        var resume = await Assert.ThrowsAsync<DeskProblemException>(() => Pauses.ResumeAsync(execution.Id, Person, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<DeskProblemException>(() => Pauses.PauseAsync(Guid.NewGuid(), Person, CancellationToken.None));

        Assert.Equal(ProblemKind.Conflict, pause.Kind);
        Assert.Contains("Succeeded", pause.Message, StringComparison.Ordinal);
        Assert.Equal(ProblemKind.Conflict, resume.Kind);
        Assert.Equal(ProblemKind.NotFound, missing.Kind);
    }
}
