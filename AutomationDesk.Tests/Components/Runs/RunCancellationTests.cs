using System.Net;
using System.Net.Sockets;
using AutomationDesk.Core;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Components.Runs;

public sealed class RunCancellationTests : RunsPageTest
{
    [Fact]
    public async Task Cancelling_a_running_run_stops_its_step_and_ends_it_cancelled()
    {
        // A server that accepts the connection and never answers: the step is in flight until it is cancelled.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var workflow = await SaveWorkflowAsync("Slow call",
            $$"""[ { "id": "call", "type": "http.request", "config": { "url": "http://127.0.0.1:{{port}}/hang" } } ]""");
        var run = await StartAsync(workflow);
        Assert.True(Services.GetRequiredService<QueuedRuns>().TryTake(out var id));
        var running = Services.GetRequiredService<WorkflowRunner>().RunAsync(id, CancellationToken.None);
        using var accepted = await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var outcome = await Services.GetRequiredService<RunCancellation>().CancelAsync(run.Id, Actor.User("editor@desk.test"), CancellationToken.None);
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.Stopping);
        await using var db = NewDb();
        var execution = await db.Executions.Include(e => e.Steps).SingleAsync(e => e.Id == run.Id);
        Assert.Equal(ExecutionStatus.Cancelled, execution.Status);
        Assert.Equal(StepStatus.Cancelled, execution.Steps.Single().Status);
        Assert.NotNull(execution.FinishedAt);
        Assert.Null(execution.LeaseOwner);
    }

    [Fact]
    public async Task A_queued_run_that_is_cancelled_is_never_run()
    {
        var run = await StartAsync(await SaveSucceedingWorkflowAsync("Queued"));

        var outcome = await Services.GetRequiredService<RunCancellation>().CancelAsync(run.Id, Actor.User("editor@desk.test"), CancellationToken.None);
        await RunQueuedAsync();

        Assert.Equal(ExecutionStatus.Cancelled, outcome.Status);
        await using var db = NewDb();
        var execution = await db.Executions.Include(e => e.Steps).SingleAsync(e => e.Id == run.Id);
        Assert.Equal(ExecutionStatus.Cancelled, execution.Status);
        Assert.Null(execution.Steps.Single().OutputJson);
    }

    [Fact]
    public async Task Cancelling_a_run_that_has_ended_is_refused_as_a_conflict()
    {
        var run = await RunToEndAsync(await SaveSucceedingWorkflowAsync("Done"));

        var refusal = await Assert.ThrowsAsync<DeskProblemException>(() =>
            Services.GetRequiredService<RunCancellation>().CancelAsync(run.Id, Actor.System, CancellationToken.None));

        Assert.Equal(ProblemKind.Conflict, refusal.Kind);
        Assert.Contains("Succeeded", refusal.Message, StringComparison.Ordinal);
    }
}
