using AutomationDesk.Core.Execution;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// Dispatches executions as Hangfire jobs that carry only the execution id: a run now goes to the in-memory run storage,
/// a run's timer to the lasting storage (<see cref="ExecutionWakeJob"/>), so timers outlive a restart while runs move at
/// the in-memory storage's pace.
/// </summary>
public sealed class HangfireExecutionDispatcher(RunJobStorage runs, IBackgroundJobClientFactory clients, IBackgroundJobClient lasting) : IExecutionDispatcher
{
    private readonly IBackgroundJobClient _runs = clients.GetClient(runs.Storage);

    public Task DispatchAsync(Guid executionId, CancellationToken ct)
    {
        _runs.Enqueue<ExecutionJob>(job => job.ExecuteAsync(executionId, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task DispatchAtAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct)
    {
        lasting.Schedule<ExecutionWakeJob>(job => job.WakeAsync(executionId, dueAt, CancellationToken.None), dueAt);
        return Task.CompletedTask;
    }
}
