using AutomationDesk.Core.Execution;
using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>Runs one execution. Carries only the id; the lease makes a repeat of the job harmless.</summary>
[AutomaticRetry(Attempts = 3)]
public sealed class ExecutionJob(WorkflowRunner runner, ShutdownGrace shutdown)
{
    [WorkflowJobName("Run: {0}", WorkflowJobSubject.Execution)]
    public async Task ExecuteAsync(Guid executionId, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, shutdown.Ended);
        await runner.RunAsync(executionId, stop.Token);
    }
}
