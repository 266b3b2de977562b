using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Execution;

/// <summary>
/// What recovery at start does with runs still held by a lease: a run whose worker's process has ended is taken back
/// at once; one held by a process that runs, or by one this machine knows nothing of, waits for its lease to end.
/// </summary>
public sealed class RecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private CoreDesk _desk = null!;
    private Guid _workflowId;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _workflowId = await _desk.SaveAsync(Workflow(Transform("only", new JsonObject())));
    }

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private string NodesFolder => Path.Combine(Path.GetDirectoryName(_desk.DatabasePath)!, "nodes");

    /// <summary>A run left Running under <paramref name="owner"/>'s lease, as a worker that stopped mid-step leaves it.</summary>
    private async Task<Guid> HeldRunAsync(string owner)
    {
        var id = await _desk.StartAsync(_workflowId);
        await using var db = _desk.NewDb();
        await db.Executions.Where(e => e.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(e => e.Status, ExecutionStatus.Running)
            .SetProperty(e => e.LeaseOwner, owner)
            .SetProperty(e => e.LeaseExpiresAt, CoreDesk.Epoch + Lease));
        return id;
    }

    private QueuedDispatcher.Dispatch? Redispatch(Guid id) => _desk.Dispatcher.History.Where(d => d.ExecutionId == id).Skip(1).SingleOrDefault();

    [Fact]
    public async Task Runs_of_an_ended_process_are_taken_back_at_once_and_the_others_wait_for_their_lease()
    {
        Directory.CreateDirectory(NodesFolder);
        // An ended process leaves its lock file behind, held by nobody.
        await File.WriteAllTextAsync(Path.Combine(NodesFolder, "host:4242.lock"), "");
        var ended = new[] { await HeldRunAsync("host:4242"), await HeldRunAsync("host:4242") };
        // A running process holds its lock.
        await using var live = new FileStream(Path.Combine(NodesFolder, "host:77.lock"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        var held = await HeldRunAsync("host:77");
        // A process this machine knows nothing of (another machine): no file.
        var elsewhere = await HeldRunAsync("other-host:1");

        await _desk.Get<ExecutionRecovery>().RecoverAsync(CancellationToken.None);

        var leaseEnds = CoreDesk.Epoch + Lease + TimeSpan.FromSeconds(1);
        Assert.All(ended, id => Assert.Equal(new QueuedDispatcher.Dispatch(id, null), Redispatch(id)));
        Assert.Equal(new QueuedDispatcher.Dispatch(held, leaseEnds), Redispatch(held));
        Assert.Equal(new QueuedDispatcher.Dispatch(elsewhere, leaseEnds), Redispatch(elsewhere));
        Assert.False(File.Exists(Path.Combine(NodesFolder, "host:4242.lock")), "the ended process's lock file is cleared away");

        // Taken back for real: the run is claimed and finished now, well inside the dead worker's lease.
        await _desk.RunDueWorkAsync();
        foreach (var id in ended)
        {
            Assert.Equal(ExecutionStatus.Succeeded, (await _desk.ExecutionAsync(id)).Status);
        }
        Assert.Equal(ExecutionStatus.Running, (await _desk.ExecutionAsync(held)).Status);
    }

    [Fact]
    public async Task A_lease_under_this_processs_own_node_name_is_from_an_earlier_life_and_is_taken_back()
    {
        var id = await HeldRunAsync("test-node"); // CoreDesk's Engine:NodeName

        await _desk.Get<ExecutionRecovery>().RecoverAsync(CancellationToken.None);

        Assert.Equal(new QueuedDispatcher.Dispatch(id, null), Redispatch(id));
        Assert.True(File.Exists(Path.Combine(NodesFolder, "test-node.lock")), "this process holds its own lock file while it runs");
    }

    /// <summary>
    /// A run paused at an approval with a timeout gets its timer back at start (a lasting timer can be lost: an in-memory
    /// job storage, a deleted hangfire.db), and one whose timeout passed while the desk was down is woken at once; a run
    /// paused by hand (no due time) is left for a person.
    /// </summary>
    [Fact]
    public async Task Approvals_waiting_with_a_timeout_get_their_timer_back_and_a_manual_pause_is_left_alone()
    {
        async Task<Guid> PausedAsync(DateTimeOffset? dueAt)
        {
            var id = await _desk.StartAsync(_workflowId);
            await using var db = _desk.NewDb();
            await db.Executions.Where(e => e.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(e => e.Status, ExecutionStatus.Paused)
                .SetProperty(e => e.DueAt, dueAt));
            return id;
        }
        var later = CoreDesk.Epoch + TimeSpan.FromHours(1);
        var waiting = await PausedAsync(later);
        var overdue = await PausedAsync(CoreDesk.Epoch - TimeSpan.FromMinutes(1));
        var byHand = await PausedAsync(null);

        await _desk.Get<ExecutionRecovery>().RecoverAsync(CancellationToken.None);

        Assert.Equal(new QueuedDispatcher.Dispatch(waiting, later), Redispatch(waiting));
        Assert.Equal(new QueuedDispatcher.Dispatch(overdue, null), Redispatch(overdue));
        Assert.Null(Redispatch(byHand));
    }
}
