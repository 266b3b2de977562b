using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Postgres;

/// <summary>
/// The engine's own SQL on PostgreSQL: a run's checkpoint (its logs in one multi-row INSERT … RETURNING, its events
/// numbered by INSERT … SELECT MAX), and two transactions numbering one run's events at once.
/// </summary>
public sealed class PostgresEngineTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "desk-pg-engine-" + Guid.NewGuid().ToString("N"));
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = nameof(StorageProvider.Postgres),
        ["ConnectionStrings:Desk"] = PostgresServer.Shared.CreateDatabase(),
        ["DataProtection:KeyFile"] = Path.Combine(_folder, "keys", "dataprotection.key"),
        ["Artifacts:Root"] = Path.Combine(_folder, "artifacts"),
    });

    public async Task DisposeAsync()
    {
        await _desk.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task<List<ExecutionEvent>> EventsAsync(Guid executionId)
    {
        await using var db = _desk.NewDb();
        return await db.ExecutionEvents.AsNoTracking().Where(e => e.ExecutionId == executionId).OrderBy(e => e.Sequence).ToListAsync();
    }

    [Fact]
    public async Task A_run_succeeds_with_its_logs_and_events_numbered_one_by_one()
    {
        await using (var db = _desk.NewDb())
        {
            Assert.True(db.Database.IsNpgsql());
        }

        var execution = await _desk.RunAsync(Workflow(Transform("a", 1), Transform("b", 2).DependsOn("a"), Transform("c", 3).DependsOn("b")));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var events = await EventsAsync(execution.Id);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal("execution.queued", events[0].EventType);
        Assert.Equal("execution.succeeded", events[^1].EventType);
        var logs = await _desk.LogsAsync(execution.Id);
        Assert.NotEmpty(logs);
        Assert.All(logs, l => Assert.True(l.Id > 0));
        Assert.Equal(logs.Count, logs.Select(l => l.Id).Distinct().Count());
    }

    [Fact]
    public async Task Two_transactions_appending_to_one_run_at_once_number_its_events_in_turn()
    {
        var execution = await _desk.RunAsync(Workflow(Transform("a", 1)));
        var before = (await EventsAsync(execution.Id)).Count;
        ExecutionEvent Note(string type) => new()
        {
            ExecutionId = execution.Id,
            Kind = ExecutionEventKinds.Execution,
            EventType = type,
            Time = _desk.Time.GetUtcNow(),
            Status = execution.Status,
            Progress = 100,
        };

        await using var first = _desk.NewDb();
        await using var second = _desk.NewDb();
        await using var firstWrite = await DeskDatabase.BeginWriteAsync(first, CancellationToken.None);
        await ExecutionEventLog.AppendAsync(first, [Note("test.first")], CancellationToken.None);
        await using var secondWrite = await DeskDatabase.BeginWriteAsync(second, CancellationToken.None);
        var secondBackend = await BackendOfAsync(second);
        var appending = ExecutionEventLog.AppendAsync(second, [Note("test.second")], CancellationToken.None);
        // The second transaction waits for the run's row while the first one holds it: seen in the server's own view.
        await WaitUntilWaitingForLockAsync(secondBackend, appending);
        await firstWrite.CommitAsync(CancellationToken.None);
        await appending;
        await secondWrite.CommitAsync(CancellationToken.None);

        var events = await EventsAsync(execution.Id);
        Assert.Equal(Enumerable.Range(1, before + 2).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(["test.first", "test.second"], events.TakeLast(2).Select(e => e.EventType));
    }

    private static async Task<int> BackendOfAsync(DeskDbContext db) =>
        (await db.Database.SqlQuery<int>($"SELECT pg_backend_pid() AS \"Value\"").ToListAsync()).Single();

    private async Task WaitUntilWaitingForLockAsync(int backend, Task appending)
    {
        await using var db = _desk.NewDb();
        while (!appending.IsCompleted)
        {
            var waiting = await db.Database
                .SqlQuery<int>($"SELECT pid AS \"Value\" FROM pg_stat_activity WHERE pid = {backend} AND wait_event_type = 'Lock'")
                .ToListAsync();
            if (waiting.Count > 0)
            {
                return;
            }
            await Task.Delay(20);
        }
    }
}
