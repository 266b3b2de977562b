namespace AutomationDesk.Core.Execution;

/// <summary>Hands an execution id to whatever runs work (Hangfire in the app). The row exists before this is called.</summary>
public interface IExecutionDispatcher
{
    Task DispatchAsync(Guid executionId, CancellationToken ct);

    Task DispatchAtAsync(Guid executionId, DateTimeOffset dueAt, CancellationToken ct);
}
