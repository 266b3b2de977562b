using Hangfire;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// The in-memory Hangfire storage that carries workflow runs (<see cref="ExecutionJob"/>), with a job server of its own
/// beside the one of the lasting storage; <c>/hangfire/runs</c> shows it. Nothing in it needs to outlive the process: the
/// executions table says which runs are open, and <c>ExecutionRecovery</c> hands them back at the next start.
/// </summary>
public sealed class RunJobStorage : IDisposable
{
    public const string DashboardPath = "/hangfire/runs";

    private readonly Hangfire.InMemory.InMemoryStorage _storage = JobStorages.InMemory();

    public JobStorage Storage => _storage;

    public void Dispose() => _storage.Dispose();
}
