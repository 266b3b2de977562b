using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

public sealed class LeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _called = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CoreDesk _desk = null!;
    private LoopbackServer _server = null!;
    private int _calls;
    private int _afterCalls;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/slow", async () =>
            {
                Interlocked.Increment(ref _calls);
                _called.TrySetResult();
                await _release.Task;
                return Results.Json(new { ok = true });
            });
            app.MapGet("/after", () =>
            {
                Interlocked.Increment(ref _afterCalls);
                return Results.Json(new { ok = true });
            });
        });
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _server.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private WorkflowRunner Runner(string node) =>
        ActivatorUtilities.CreateInstance<WorkflowRunner>(_desk.Services, Options.Create(new EngineOptions { NodeName = node }));

    private async Task<Guid> QueuedRunAsync() =>
        await _desk.StartAsync(await _desk.SaveAsync(Workflow(Http("call", _server.Url("/slow")))));

    [Fact]
    public async Task A_second_runner_cannot_claim_a_run_another_runner_holds()
    {
        var executionId = await QueuedRunAsync();
        var first = Runner("node-a").RunAsync(executionId, CancellationToken.None);
        await _called.Task.WaitAsync(Bound);

        var second = await Runner("node-b").RunAsync(executionId, CancellationToken.None);
        var held = await _desk.ExecutionAsync(executionId);
        _release.SetResult();

        Assert.False(second);
        Assert.Equal("node-a", held.LeaseOwner);
        Assert.Equal(CoreDesk.Epoch + new EngineOptions().LeaseDuration, held.LeaseExpiresAt);
        Assert.True(await first.WaitAsync(Bound));
        Assert.Equal(1, _calls);
        Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(executionId)).Status);
    }

    [Fact]
    public async Task A_runner_that_comes_while_a_lease_holds_looks_again_just_after_it_ends()
    {
        var executionId = await QueuedRunAsync();
        var first = Runner("node-a").RunAsync(executionId, CancellationToken.None);
        await _called.Task.WaitAsync(Bound);

        Assert.False(await Runner("node-b").RunAsync(executionId, CancellationToken.None));
        _release.SetResult();
        await first.WaitAsync(Bound);

        // Without this the run of a crashed worker, dispatched a moment before its lease ended, would wait for ever.
        var leaseEnds = CoreDesk.Epoch + new EngineOptions().LeaseDuration;
        Assert.Contains(new QueuedDispatcher.Dispatch(executionId, leaseEnds + TimeSpan.FromSeconds(1)), _desk.Dispatcher.History);
    }

    [Fact]
    public async Task A_run_ended_on_another_node_while_its_step_runs_stays_ended_and_its_worker_writes_nothing_more()
    {
        var workflowId = await _desk.SaveAsync(Workflow(Http("call", _server.Url("/slow")), Http("after", _server.Url("/after"))));
        var executionId = await _desk.StartAsync(workflowId);
        var worker = Runner("node-a").RunAsync(executionId, CancellationToken.None);
        await _called.Task.WaitAsync(Bound);

        // What a cancel on another node writes for a running run it does not hold: ended, lease cleared.
        Assert.True(await _desk.Get<RunCancellation>().EndOffWorkerAsync(executionId, [ExecutionStatus.Running], "Cancelled on node-b.", CancellationToken.None));
        _release.SetResult();
        Assert.True(await worker.WaitAsync(Bound));

        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Cancelled, execution.Status);
        Assert.Equal("Cancelled on node-b.", execution.ErrorHuman);
        Assert.All(execution.Steps, s => Assert.Equal(StepStatus.Cancelled, s.Status));
        Assert.Equal(0, _afterCalls);
        Assert.DoesNotContain(_desk.Events.Executions, e => e.Id == executionId && e.Status == ExecutionStatus.Succeeded);
    }

    [Fact]
    public async Task Two_runners_claiming_at_once_run_the_execution_once()
    {
        var executionId = await QueuedRunAsync();
        _release.SetResult();

        var results = await Task.WhenAll(
            Task.Run(() => Runner("node-a").RunAsync(executionId, CancellationToken.None)),
            Task.Run(() => Runner("node-b").RunAsync(executionId, CancellationToken.None))).WaitAsync(Bound);

        Assert.Single(results, ran => ran);
        Assert.Equal(1, _calls);
        var execution = await _desk.ExecutionAsync(executionId);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(1, execution.Steps[0].Attempts);
        Assert.Single(await _desk.LogsAsync(executionId), l => l.Message == "Run started");
    }
}
