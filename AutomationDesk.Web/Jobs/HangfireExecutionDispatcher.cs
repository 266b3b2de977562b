using AutomationDesk.Core.Execution;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>Dispatches executions as Hangfire jobs that carry only the execution id.</summary>
public sealed class HangfireExecutionDispatcher(IBackgroundJobClient jobs) : IExecutionDispatcher
{
    public Task DispatchAsync(Guid executionId, CancellationToken ct)
    {
        jobs.Enqueue<ExecutionJob>(job => job.ExecuteAsync(executionId, CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task DispatchAtAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct)
    {
        jobs.Schedule<ExecutionJob>(job => job.ExecuteAsync(executionId, CancellationToken.None), dueAt);
        return Task.CompletedTask;
    }
}
