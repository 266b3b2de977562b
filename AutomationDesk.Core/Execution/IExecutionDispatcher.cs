namespace AutomationDesk.Core.Execution;

/// <summary>Hands an execution id to whatever runs work (Hangfire in the app). The row exists before this is called.</summary>
public interface IExecutionDispatcher
{
    Task DispatchAsync(Guid executionId, CancellationToken ct);

    /// <summary>
    /// Runs the execution at <paramref name="dueAt"/>, not before: a dispatcher whose timers can fire early puts them back
    /// itself. The runner does not: a waiting run that a dispatch finds before its due time is left to its own timer.
    /// </summary>
    Task DispatchAtAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct);
}
