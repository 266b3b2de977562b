using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// Writes a run's <see cref="ExecutionEvent"/>s inside the transaction of the change they describe, so the replayable
/// stream (<c>GET /api/v1/executions/{id}/events</c>) holds exactly what was committed: a failed commit leaves no event.
/// </summary>
public static class ExecutionEventLog
{
    // As the API writes its bodies (camelCase, enums as text, nulls kept), so a stored event reads like a live answer.
    private static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>A step as its event shows it: no input or output, so events stay small whatever a step handles.</summary>
    public sealed record StepData(
        string StepId, string Type, string Name, StepStatus Status, int Attempts, DateTimeOffset? StartedAt,
        DateTimeOffset? FinishedAt, long? DurationMs, string? ErrorHuman);

    /// <summary>The run's state as an <c>execution.&lt;status&gt;</c> event whose data is its summary.</summary>
    public static ExecutionEvent ForExecution(Execution run, DateTimeOffset time) =>
        New(run, ExecutionEventKinds.Execution, Name(run.Status), time, JsonSerializer.Serialize(ExecutionSummary.From(run), Json));

    /// <summary>A step's state as a <c>step.&lt;status&gt;</c> event, with the run's status at that moment.</summary>
    public static ExecutionEvent ForStep(Execution run, StepRun step, DateTimeOffset time) =>
        New(run, ExecutionEventKinds.Step, Name(step.Status), time, JsonSerializer.Serialize(
            new StepData(step.StepId, step.Type, step.Name, step.Status, step.Attempts, step.StartedAt, step.FinishedAt, step.DurationMs, step.ErrorHuman), Json));

    /// <summary>A written log row (its id known) as a <c>log.&lt;level&gt;</c> event, shown as the logs API shows it.</summary>
    public static ExecutionEvent ForLog(Execution run, ExecutionLog log) =>
        New(run, ExecutionEventKinds.Log, Name(log.Level), log.Time, JsonSerializer.Serialize(ExecutionLogView.From(log), Json));

    /// <summary>
    /// The events of what <paramref name="db"/> is about to save about runs: each changed step, each new log row, then each
    /// added or changed run (last, so a run's final event closes what it ended). Take them before SaveChanges, build them
    /// after it (log ids are known then): see <see cref="SaveChangesAsync"/>.
    /// </summary>
    public static Func<DateTimeOffset, List<ExecutionEvent>> Pending(DbContext db)
    {
        var entries = db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList();
        // Taking a run off the dead-letter list (retried, resumed, discarded) is bookkeeping, not a change of the run.
        var runs = entries.Where(e => e.Entity is Execution && !OnlyDeadLetterBookkeeping(e)).Select(e => (Execution)e.Entity).ToList();
        var steps = entries.Where(e => e is { Entity: StepRun, State: EntityState.Modified }).Select(e => (StepRun)e.Entity).ToList();
        var logs = entries.Where(e => e is { Entity: ExecutionLog, State: EntityState.Added }).Select(e => (ExecutionLog)e.Entity).ToList();
        var known = runs.ToDictionary(r => r.Id);
        foreach (var tracked in db.ChangeTracker.Entries<Execution>())
        {
            known.TryAdd(tracked.Entity.Id, tracked.Entity);
        }
        return time =>
        {
            var events = new List<ExecutionEvent>(steps.Count + logs.Count + runs.Count);
            events.AddRange(steps.Where(s => known.ContainsKey(s.ExecutionId)).Select(s => ForStep(known[s.ExecutionId], s, time)));
            events.AddRange(logs.Where(l => known.ContainsKey(l.ExecutionId)).Select(l => ForLog(known[l.ExecutionId], l)));
            events.AddRange(runs.Select(r => ForExecution(r, time)));
            return events;
        };
    }

    private static bool OnlyDeadLetterBookkeeping(EntityEntry entry) =>
        entry.State == EntityState.Modified
        && entry.Properties.Where(p => p.IsModified).All(p => p.Metadata.Name is nameof(Execution.DeadLetterOutcome) or nameof(Execution.DeadLetterClosedAt));

    /// <summary>
    /// Saves <paramref name="db"/>'s changes and the events of the runs, steps and logs among them in one commit, inside the
    /// caller's transaction when there is one, else in a write transaction of its own.
    /// </summary>
    public static async Task SaveChangesAsync(DeskDbContext db, DateTimeOffset time, CancellationToken ct)
    {
        var pending = Pending(db);
        if (db.Database.CurrentTransaction is not null)
        {
            await db.SaveChangesAsync(ct);
            await AppendAsync(db, pending(time), ct);
            return;
        }
        await using var write = await DeskDatabase.BeginWriteAsync(db, ct);
        await db.SaveChangesAsync(ct);
        await AppendAsync(db, pending(time), ct);
        await write.CommitAsync(ct);
    }

    /// <summary>
    /// Saves the log rows <paramref name="db"/> adds to a run that is not tracked there (one that has ended, written to by
    /// event triggers) with their <c>log.*</c> events, in one commit.
    /// </summary>
    public static async Task SaveLogsAsync(DeskDbContext db, Execution run, CancellationToken ct)
    {
        if (!db.ChangeTracker.HasChanges())
        {
            return; // Most ended runs' triggers log nothing: no write turn for them.
        }
        var logs = db.ChangeTracker.Entries<ExecutionLog>().Where(e => e.State == EntityState.Added && e.Entity.ExecutionId == run.Id)
            .Select(e => e.Entity).ToList();
        await using var write = await DeskDatabase.BeginWriteAsync(db, ct);
        await db.SaveChangesAsync(ct);
        await AppendAsync(db, logs.Select(l => ForLog(run, l)).ToList(), ct);
        await write.CommitAsync(ct);
    }

    /// <summary>
    /// Reads a run as it is now, inside the caller's write transaction (after an <c>ExecuteUpdate</c> changed it), and
    /// stores its events: the steps <paramref name="changedSteps"/> picks, the given log rows (saved, so with their ids),
    /// then the run. Returns the run with its steps, to be announced after the commit.
    /// </summary>
    public static async Task<Execution> AppendCurrentAsync(
        DeskDbContext db, Guid executionId, Func<StepRun, bool> changedSteps, IReadOnlyList<ExecutionLog> logs, DateTimeOffset time, CancellationToken ct)
    {
        var run = await db.Executions.AsNoTracking().Include(e => e.Steps).SingleAsync(e => e.Id == executionId, ct);
        var events = run.Steps.Where(changedSteps).OrderBy(s => s.Position).Select(s => ForStep(run, s, time))
            .Concat(logs.Select(l => ForLog(run, l)))
            .Append(ForExecution(run, time))
            .ToList();
        await AppendAsync(db, events, ct);
        return run;
    }

    /// <summary>
    /// Inserts the events, numbering each run's from its last stored sequence on, in as few statements as the parameter
    /// limit allows (one for a checkpoint). Call it inside the write transaction of the change: the number is read and
    /// written in one statement, and SQLite has one writer, so two commits never take the same number (the unique
    /// (ExecutionId, Sequence) index would refuse it anyway). On PostgreSQL, two transactions could read the same MAX:
    /// the runs' rows are locked first (<c>FOR UPDATE</c>), so a second writer of a run waits for the first one's commit
    /// and its statement, read committed, then sees the first one's numbers. The all-runs stream reads by id
    /// (<c>Id &gt; after</c>), and ids taken from a sequence by two runs' transactions could commit out of order, so a
    /// reader past the later id would never see the earlier one: event writers on PostgreSQL take turns under a
    /// transaction-scoped advisory lock (<see cref="EventTurnKey"/>), as SQLite's single writer does, and ids commit in order.
    /// </summary>
    /// <summary>The advisory lock key event writers take turns under on PostgreSQL ("evnt").</summary>
    public const long EventTurnKey = 0x65766E74;

    public static async Task AppendAsync(DbContext db, IReadOnlyList<ExecutionEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }
        var shape = Shape.Of(db);
        var perStatement = Math.Max(1, 30_000 / shape.Columns.Count);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (!db.Database.IsSqlite())
        {
            await db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\" FROM pg_advisory_xact_lock({EventTurnKey})").ToListAsync(ct);
            var runs = events.Select(e => e.ExecutionId).Distinct().Order().ToList();
            await db.Database.SqlQuery<Guid>($"""SELECT "Id" AS "Value" FROM "Executions" WHERE "Id" = ANY({runs}) ORDER BY "Id" FOR UPDATE""")
                .ToListAsync(ct);
        }
        var offsets = new Dictionary<Guid, long>();
        for (var start = 0; start < events.Count; start += perStatement)
        {
            var end = Math.Min(start + perStatement, events.Count);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = shape.Statement(end - start);
            var n = 0;
            for (var i = start; i < end; i++)
            {
                var row = events[i];
                // Sent as the rank within this statement: the statement adds the run's last stored sequence (earlier
                // statements of the batch are stored by then). The row's Sequence is left at that rank.
                row.Sequence = offsets[row.ExecutionId] = offsets.GetValueOrDefault(row.ExecutionId) + 1;
                foreach (var (mapping, getter, nullable) in shape.Columns)
                {
                    command.Parameters.Add(mapping.CreateParameter(command, $"@p{n++}", getter.GetClrValue(row), nullable));
                }
            }
            offsets.Clear();
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static ExecutionEvent New(Execution run, string kind, string state, DateTimeOffset time, string data) => new()
    {
        ExecutionId = run.Id,
        Kind = kind,
        EventType = $"{kind}.{state}",
        Time = time,
        Status = run.Status,
        Progress = run.Progress,
        CurrentStepId = run.CurrentStepId,
        DataJson = data,
    };

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>
    /// The INSERT … SELECT over a VALUES list whose last column is the event's rank within its run in the batch; both
    /// SQLite and PostgreSQL name a VALUES list's columns <c>column1</c>, <c>column2</c>…
    /// </summary>
    private sealed record Shape(string Table, List<string> Names, List<(RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable)> Columns)
    {
        private static readonly ConditionalWeakTable<IModel, Shape> Built = new();

        public static Shape Of(DbContext db) => Built.GetValue(db.Model, Build);

        private static Shape Build(IModel model)
        {
            var entity = model.FindEntityType(typeof(ExecutionEvent))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            // Sequence last: its value is the rank, and the statement turns it into the run's next number.
            var properties = entity.GetProperties()
                .Where(p => p.ValueGenerated != ValueGenerated.OnAdd)
                .OrderBy(p => p.Name == nameof(ExecutionEvent.Sequence))
                .ToList();
            return new Shape(table.Name, properties.Select(p => p.GetColumnName(table)!).ToList(),
                properties.Select(p => ((RelationalTypeMapping)p.GetTypeMapping(), p.GetGetter(), p.IsNullable)).ToList());
        }

        // A checkpoint writes about the same number of events each time: its text is built once per count.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _statements = new();

        public string Statement(int rows) => _statements.GetOrAdd(rows, Build);

        private string Build(int rows)
        {
            var executionColumn = Names.IndexOf(nameof(ExecutionEvent.ExecutionId)) + 1;
            var sql = new StringBuilder("INSERT INTO \"").Append(Table).Append("\" (")
                .AppendJoin(", ", Names.Select(n => $"\"{n}\""))
                .Append(") SELECT ");
            for (var column = 1; column < Names.Count; column++)
            {
                sql.Append("v.column").Append(column).Append(", ");
            }
            sql.Append("COALESCE((SELECT MAX(s.\"Sequence\") FROM \"").Append(Table).Append("\" s WHERE s.\"ExecutionId\" = v.column")
                .Append(executionColumn).Append("), 0) + v.column").Append(Names.Count).Append(" FROM (VALUES ");
            var n = 0;
            for (var row = 0; row < rows; row++)
            {
                sql.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < Names.Count; column++)
                {
                    sql.Append(column == 0 ? "@p" : ", @p").Append(n++);
                }
                sql.Append(')');
            }
            return sql.Append(") AS v").ToString();
        }
    }
}
