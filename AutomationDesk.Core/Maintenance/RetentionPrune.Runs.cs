using System.Diagnostics;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Settings;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Maintenance;

/// <summary>
/// Runs: a run's age counts from when it ended (<c>FinishedAt</c>; <c>CreatedAt</c> for one that ended without running,
/// skipped or missed). Only ended runs go. A run's retention is its workflow's <c>settings.retentionDays</c>, else the
/// desk's; one still waiting in dead letters is kept for <c>DeadLetters:RetentionDays</c> if that is longer.
/// Sub-workflow runs (<c>ParentStepId</c> set) go with their parent: a parent is deleted in the same transaction as its
/// children or after them, never before, so no child is ever left without its parent; a parent with a child not ended
/// stays. A run that a live run still names as parent or origin (a retry in progress reads its artifacts) stays too.
/// Retries and event-started runs are runs of their own: they keep the id of the run they came from, which the run page
/// shows as no longer kept; notifications and webhook events keep theirs the same way (none of these is a foreign key).
/// </summary>
public sealed partial class RetentionPrune
{
    private static readonly ExecutionStatus[] Open =
        [ExecutionStatus.Queued, ExecutionStatus.Running, ExecutionStatus.Waiting, ExecutionStatus.Paused, ExecutionStatus.Retrying];

    private sealed record Candidate(
        Guid Id, Guid WorkflowId, ExecutionStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string? DeadLetterOutcome, bool IsDraft, bool HasParent);

    /// <summary>A run with its sub-workflow runs, children before their parents and the run itself last.</summary>
    private sealed record Unit(Guid Root, List<Guid> Ids);

    private async Task PruneRunsAsync(RetentionSettings retention, DateTimeOffset now, RunArchive? archive, PruneTally tally, CancellationToken ct)
    {
        tally.Report("runs");
        Dictionary<Guid, int> ownDays;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var definitions = await db.Workflows.AsNoTracking().Select(w => new { w.Id, w.DefinitionJson }).ToListAsync(ct);
            ownDays = definitions.Select(w => (w.Id, Days: WorkflowRetention.DaysOf(w.DefinitionJson)))
                .Where(w => w.Days is not null).ToDictionary(w => w.Id, w => w.Days!.Value);
        }
        var deadLetterDays = (int)DeadLetterRetention.Of(configuration).TotalDays;
        // Nothing younger than the shortest retention can go: the scan reads runs created before that, oldest first.
        var scanBefore = now - TimeSpan.FromDays(ownDays.Values.Append(retention.ExecutionsDays).Min());
        DateTimeOffset? from = null;
        var kept = new HashSet<Guid>();
        while (true)
        {
            var page = await CandidatesAsync(scanBefore, from, Math.Max(1000, tally.BatchSize * 2), ct);
            var fresh = page.Where(c => !kept.Contains(c.Id)).ToList();
            if (fresh.Count == 0)
            {
                return;
            }
            var due = new List<Guid>();
            foreach (var run in fresh)
            {
                var days = ownDays.GetValueOrDefault(run.WorkflowId, retention.ExecutionsDays);
                if (DeadLetterRetention.IsOpen(run.Status, run.DeadLetterOutcome, run.IsDraft))
                {
                    days = Math.Max(days, deadLetterDays);
                }
                if (!run.HasParent && run.Status.IsFinal() && (run.FinishedAt ?? run.CreatedAt) < now - TimeSpan.FromDays(days))
                {
                    due.Add(run.Id);
                }
                else
                {
                    kept.Add(run.Id);
                }
            }
            var units = await UnitsAsync(due, ct);
            kept.UnionWith(due.Except(units.Select(u => u.Root)));
            await DeleteUnitsAsync(units, archive, tally, ct);
            from = page[^1].CreatedAt;
        }
    }

    /// <summary>Runs created before <paramref name="before"/>, from <paramref name="from"/> on, oldest first.</summary>
    private async Task<List<Candidate>> CandidatesAsync(DateTimeOffset before, DateTimeOffset? from, int count, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Executions.AsNoTracking().Where(e => e.CreatedAt < before);
        if (from is { } start)
        {
            query = query.Where(e => e.CreatedAt >= start);
        }
        return await query.OrderBy(e => e.CreatedAt).Take(count)
            .Select(e => new Candidate(e.Id, e.WorkflowId, e.Status, e.CreatedAt, e.FinishedAt, e.DeadLetterOutcome, e.DraftDefinitionJson != null,
                e.ParentStepId != null && db.Executions.Any(p => p.Id == e.ParentExecutionId)))
            .ToListAsync(ct);
    }

    /// <summary>The due runs with all their sub-workflow runs; a run with a descendant not ended, or named by a live run, is left out.</summary>
    private async Task<List<Unit>> UnitsAsync(List<Guid> roots, CancellationToken ct)
    {
        if (roots.Count == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rootOf = roots.ToDictionary(id => id, id => id);
        var levels = new List<List<Guid>>();
        var blocked = new HashSet<Guid>();
        List<Guid?> frontier = roots.Select(id => (Guid?)id).ToList();
        while (frontier.Count > 0)
        {
            var children = await db.Executions.AsNoTracking()
                .Where(c => c.ParentStepId != null && frontier.Contains(c.ParentExecutionId))
                .Select(c => new { c.Id, Parent = c.ParentExecutionId!.Value, c.Status })
                .ToListAsync(ct);
            foreach (var child in children)
            {
                rootOf[child.Id] = rootOf[child.Parent];
                if (!child.Status.IsFinal())
                {
                    blocked.Add(rootOf[child.Id]);
                }
            }
            levels.Add(children.Select(c => c.Id).ToList());
            frontier = children.Select(c => (Guid?)c.Id).ToList();
        }
        var units = roots.ToDictionary(id => id, id => new Unit(id, []));
        for (var level = levels.Count - 1; level >= 0; level--)
        {
            foreach (var id in levels[level])
            {
                units[rootOf[id]].Ids.Add(id);
            }
        }
        foreach (var unit in units.Values)
        {
            unit.Ids.Add(unit.Root);
        }
        blocked.UnionWith(await NamedByLiveRunsAsync(db, units.Values.ToList(), rootOf, ct));
        return units.Values.Where(u => !blocked.Contains(u.Root)).ToList();
    }

    /// <summary>The units (by root) that a run not yet ended names as its parent or origin.</summary>
    private static async Task<HashSet<Guid>> NamedByLiveRunsAsync(DeskDbContext db, List<Unit> units, IReadOnlyDictionary<Guid, Guid> rootOf, CancellationToken ct)
    {
        var ids = units.SelectMany(u => u.Ids).Select(id => (Guid?)id).ToList();
        var named = await db.Executions.AsNoTracking()
            .Where(r => Open.Contains(r.Status) && (ids.Contains(r.ParentExecutionId) || ids.Contains(r.OriginExecutionId)))
            .Select(r => new { r.ParentExecutionId, r.OriginExecutionId })
            .ToListAsync(ct);
        return named.SelectMany(r => new[] { r.ParentExecutionId, r.OriginExecutionId })
            .Where(id => id is not null && rootOf.ContainsKey(id.Value))
            .Select(id => rootOf[id!.Value])
            .ToHashSet();
    }

    /// <summary>
    /// Archives and deletes the units, at most a batch of runs per transaction, children first. A unit larger than a
    /// batch (a foreach of thousands of items) goes in batch-sized pieces, deepest children first and its root in the
    /// last: no transaction is ever larger than a batch, and a parent still goes only with or after its children.
    /// </summary>
    private async Task DeleteUnitsAsync(List<Unit> units, RunArchive? archive, PruneTally tally, CancellationToken ct)
    {
        var queue = new Queue<Unit>(units.SelectMany(u => u.Ids.Count <= tally.BatchSize
            ? [u]
            : u.Ids.Chunk(Math.Max(1, tally.BatchSize)).Select(piece => new Unit(u.Root, [.. piece]))));
        while (queue.Count > 0)
        {
            var batch = new List<Unit>();
            var size = 0;
            while (queue.Count > 0 && (batch.Count == 0 || size + queue.Peek().Ids.Count <= tally.BatchSize))
            {
                var unit = queue.Dequeue();
                batch.Add(unit);
                size += unit.Ids.Count;
            }
            await DeleteBatchAsync(batch, archive, tally, ct);
            tally.Report("runs");
        }
    }

    private async Task DeleteBatchAsync(List<Unit> batch, RunArchive? archive, PruneTally tally, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = batch.SelectMany(u => u.Ids).ToList();
        var steps = await CountByRunAsync(db.StepRuns.Where(s => ids.Contains(s.ExecutionId)).GroupBy(s => s.ExecutionId), ct);
        var logs = await CountByRunAsync(db.ExecutionLogs.Where(l => ids.Contains(l.ExecutionId)).GroupBy(l => l.ExecutionId), ct);
        var events = await CountByRunAsync(db.ExecutionEvents.Where(e => ids.Contains(e.ExecutionId)).GroupBy(e => e.ExecutionId), ct);
        if (archive is not null)
        {
            await ArchiveAsync(db, ids, archive, ct);
        }

        // PostgreSQL has no WAL file of the desk's to checkpoint.
        var deleted = db.Database.IsSqlite()
            ? await DeleteCheckpointingAfterAsync(db, batch, tally, ct)
            : await DeleteInTurnAsync(db, batch, tally, ct);
        tally.Steps += deleted.Sum(id => steps.GetValueOrDefault(id));
        tally.Logs += deleted.Sum(id => logs.GetValueOrDefault(id));
        tally.Events += deleted.Sum(id => events.GetValueOrDefault(id));
        artifacts.DeleteFilesOf(deleted);
    }

    private async Task<List<Guid>> DeleteCheckpointingAfterAsync(DeskDbContext db, List<Unit> batch, PruneTally tally, CancellationToken ct)
    {
        List<Guid> deleted;
        // The batch's commit must not also copy the WAL back into the file (SQLite's auto-checkpoint runs in the commit
        // that crosses its threshold, inside the write turn): this connection checkpoints after the turn instead,
        // passively, so neither the prune nor a run's commit pays for the pages the prune wrote. The setting is the
        // connection's, and pooled connections are reused: it is put back before the connection goes back.
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA wal_autocheckpoint=0;", ct);
        try
        {
            deleted = await DeleteInTurnAsync(db, batch, tally, ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);", ct);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_autocheckpoint=1000;", CancellationToken.None);
        }
        return deleted;
    }

    private async Task<List<Guid>> DeleteInTurnAsync(DeskDbContext db, List<Unit> batch, PruneTally tally, CancellationToken ct)
    {
        List<Guid> deleted;
        await using (var write = await DeskDatabase.BeginWriteAsync(db, ct))
        {
            var held = Stopwatch.GetTimestamp();
            // Checked again under the write turn: a retry started since the read above keeps its original.
            var rootOf = batch.SelectMany(u => u.Ids.Select(id => (id, u.Root))).ToDictionary(p => p.id, p => p.Root);
            var named = await NamedByLiveRunsAsync(db, batch, rootOf, ct);
            deleted = batch.Where(u => !named.Contains(u.Root)).SelectMany(u => u.Ids).ToList();
            tally.Artifacts += await db.Artifacts.Where(a => deleted.Contains(a.ExecutionId)).ExecuteDeleteAsync(ct);
            // Steps, keys, logs and events go with their run (ON DELETE CASCADE).
            tally.Executions += await db.Executions.Where(e => deleted.Contains(e.Id)).ExecuteDeleteAsync(ct);
            await write.CommitAsync(ct);
            tally.Held(Stopwatch.GetElapsedTime(held));
        }
        return deleted;
    }

    private static async Task<Dictionary<Guid, int>> CountByRunAsync<T>(IQueryable<IGrouping<Guid, T>> groups, CancellationToken ct) =>
        await groups.Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);

    /// <summary>Each run as one line: the execution with its steps and keys, its logs and its artifacts' rows.</summary>
    private static async Task ArchiveAsync(DeskDbContext db, List<Guid> ids, RunArchive archive, CancellationToken ct)
    {
        var runs = await db.Executions.AsNoTracking().Include(e => e.Steps).Include(e => e.Keys).AsSplitQuery()
            .Where(e => ids.Contains(e.Id)).ToListAsync(ct);
        var logs = (await db.ExecutionLogs.AsNoTracking().Where(l => ids.Contains(l.ExecutionId)).OrderBy(l => l.Id).ToListAsync(ct))
            .ToLookup(l => l.ExecutionId);
        var files = (await db.Artifacts.AsNoTracking().Where(a => ids.Contains(a.ExecutionId)).ToListAsync(ct)).ToLookup(a => a.ExecutionId);
        await archive.AppendAsync(RunArchive.Executions,
            runs.Select(run => new ArchivedRun(run, logs[run.Id].ToList(), files[run.Id].ToList())), ct);
    }
}

/// <summary>One line of <c>executions-n.jsonl.gz</c>.</summary>
public sealed record ArchivedRun(Execution.Execution Execution, IReadOnlyList<ExecutionLog> Logs, IReadOnlyList<Artifacts.Artifact> Artifacts);
