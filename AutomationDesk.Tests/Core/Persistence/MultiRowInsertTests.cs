using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Persistence;

public sealed class MultiRowInsertTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private Guid _executionId;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _executionId = await _desk.StartAsync(await _desk.SaveAsync(Workflow(Transform("only", new JsonObject()))));
    }

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private ExecutionLog Log(int n, DateTimeOffset time, string? stepId = null, string? data = null) => new()
    {
        ExecutionId = _executionId,
        Time = time,
        Level = (LogLevelName)(n % 4),
        Domain = (LogDomain)(n % 4),
        StepId = stepId,
        Message = $"message {n}",
        DataJson = data,
    };

    private async Task<List<ExecutionLog>> StoredAsync()
    {
        await using var db = _desk.NewDb();
        return await db.ExecutionLogs.AsNoTracking().Where(l => l.ExecutionId == _executionId).OrderBy(l => l.Id).ToListAsync();
    }

    [Fact]
    public async Task Rows_read_back_through_EF_as_they_were_given_and_SQL_filters_on_their_converted_columns()
    {
        var early = new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.FromHours(2)); // 09:00 UTC
        var late = early.AddMinutes(5);
        var rows = new[] { Log(1, early, "first", """{"n":1}"""), Log(2, late), Log(3, late.AddSeconds(1), "third") };

        await using (var db = _desk.NewDb())
        {
            await db.Database.OpenConnectionAsync();
            await MultiRowInsert.InsertAsync(db, rows, CancellationToken.None);
        }

        var stored = await StoredAsync();
        Assert.Equal(3, stored.Count);
        Assert.True(stored[0].Id < stored[1].Id && stored[1].Id < stored[2].Id, "ids follow the order given");
        Assert.All(stored.Zip(rows), pair =>
        {
            var (read, given) = pair;
            Assert.Equal((given.Time, given.Level, given.Domain, given.StepId, given.Message, given.DataJson),
                (read.Time, read.Level, read.Domain, read.StepId, read.Message, read.DataJson));
        });
        await using var query = _desk.NewDb();
        var fromLate = await query.ExecutionLogs.Where(l => l.ExecutionId == _executionId && l.Time >= late && l.Level == LogLevelName.Error)
            .Select(l => l.Message).ToListAsync();
        Assert.Equal(["message 3"], fromLate);
    }

    [Fact]
    public async Task Asked_to_read_keys_back_it_sets_each_row_the_id_it_was_stored_under_across_statements()
    {
        var time = CoreDesk.Epoch;
        var rows = Enumerable.Range(0, 5_000).Select(n => Log(n, time.AddMilliseconds(n))).ToList(); // two statements

        await using (var db = _desk.NewDb())
        {
            await db.Database.OpenConnectionAsync();
            await MultiRowInsert.InsertAsync(db, rows, CancellationToken.None, (log, id) => log.Id = id);
        }

        var stored = (await StoredAsync()).ToDictionary(l => l.Id, l => l.Message);
        Assert.Equal(5_000, stored.Count);
        Assert.All(rows, row => Assert.Equal(row.Message, stored[row.Id]));
    }

    [Fact]
    public async Task More_rows_than_one_statement_takes_go_in_several_statements_of_one_transaction()
    {
        var time = CoreDesk.Epoch;
        var rows = Enumerable.Range(0, 5_000).Select(n => Log(n, time.AddMilliseconds(n))).ToList(); // 35,000 parameters

        await using (var db = _desk.NewDb())
        await using (var write = await DeskDatabase.BeginWriteAsync(db, CancellationToken.None))
        {
            await MultiRowInsert.InsertAsync(db, rows, CancellationToken.None);
            await write.CommitAsync(CancellationToken.None);
        }

        var stored = await StoredAsync();
        Assert.Equal(rows.Select(r => r.Message), stored.Select(s => s.Message));
    }

    [Fact]
    public async Task A_write_that_fails_part_way_leaves_nothing_behind()
    {
        var time = CoreDesk.Epoch;
        var stray = new ExecutionLog { ExecutionId = Guid.NewGuid(), Time = time, Message = "belongs to no run" };

        await using (var db = _desk.NewDb())
        {
            await using var write = await DeskDatabase.BeginWriteAsync(db, CancellationToken.None);
            db.ExecutionLogs.Add(Log(1, time, data: "saved by EF first"));
            await db.SaveChangesAsync();
            var refused = await Assert.ThrowsAsync<SqliteException>(() => MultiRowInsert.InsertAsync(db, [Log(2, time), stray], CancellationToken.None));
            Assert.Contains("FOREIGN KEY", refused.Message, StringComparison.Ordinal);
        }

        Assert.Empty(await StoredAsync());
        // The write turn was handed on: the next write goes through.
        await using var next = _desk.NewDb();
        next.ExecutionLogs.Add(Log(3, time));
        await next.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(await StoredAsync());
    }
}
