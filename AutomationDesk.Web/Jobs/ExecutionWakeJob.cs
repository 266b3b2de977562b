using AutomationDesk.Core.Execution;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// A run's timer (a delay's end, a retry's backoff, an approval's timeout), kept in the lasting storage so it outlives a
/// restart. When due it only hands the run to the run storage, where <see cref="ExecutionJob"/> claims and runs it; a wake-up
/// that finds the run already taken or ended does nothing there.
/// </summary>
[AutomaticRetry(Attempts = 3)]
public sealed class ExecutionWakeJob(IExecutionDispatcher dispatcher)
{
    [WorkflowJobName("Wake: {0}", WorkflowJobSubject.Execution)]
    public Task WakeAsync(Guid executionId, CancellationToken ct) => dispatcher.DispatchAsync(executionId, ct);
}
