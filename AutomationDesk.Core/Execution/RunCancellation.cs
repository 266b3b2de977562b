using System.Collections.Concurrent;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Execution;

/// <summary>What a cancel request did: the run is cancelled now, or its running work was told to stop.</summary>
public sealed record CancelOutcome(Guid ExecutionId, ExecutionStatus Status, bool Stopping);

/// <summary>
/// Cancels runs. A run that is not on a worker (queued, waiting, paused, retrying) is marked <c>Cancelled</c> by a
/// conditional update, so a worker claiming it at the same moment never runs it. A running run holds a token
/// source here while it is on this node; cancelling it stops its steps and the runner ends it <c>Cancelled</c>.
/// A run that ends this way cancels the sub-workflow runs it waited for, and wakes the run that waited for it.
/// </summary>
public sealed class RunCancellation(IDbContextFactory<DeskDbContext> dbFactory, ChildRuns children, IDeskEvents events, AuditTrail audit, TimeProvider time)
{
    private static readonly ExecutionStatus[] OffWorker = [ExecutionStatus.Queued, ExecutionStatus.Waiting, ExecutionStatus.Paused, ExecutionStatus.Retrying];

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _running = new();

    /// <summary>Gives a run on this node a token that stops when the desk stops or a person cancels the run.</summary>
    public RunningRun Track(Guid executionId, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _running[executionId] = source;
        return new RunningRun(this, executionId, source);
    }

    /// <exception cref="DeskProblemException">The run does not exist (not found) or has already ended (conflict).</exception>
    public async Task<CancelOutcome> CancelAsync(Guid executionId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var status = await db.Executions.Where(e => e.Id == executionId).Select(e => (ExecutionStatus?)e.Status).SingleOrDefaultAsync(ct)
            ?? throw new DeskProblemException(ProblemKind.NotFound, "Execution not found", $"There is no execution {executionId}.");
        if (status.IsFinal())
        {
            throw new DeskProblemException(ProblemKind.Conflict, "The run has already ended", $"Execution {executionId} is {status}: only a run that has not ended can be cancelled.");
        }
        audit.Record(db, actor, "execution.cancel", $"execution:{executionId}", new { from = status.ToString() });
        await db.SaveChangesAsync(ct);
        if (await StopAsync(executionId, $"Cancelled by {actor.Name}.", ct) is { } outcome)
        {
            return outcome;
        }
        var now = await db.Executions.Where(e => e.Id == executionId).Select(e => e.Status).SingleAsync(ct);
        throw new DeskProblemException(ProblemKind.Conflict, "The run has already ended", $"Execution {executionId} is {now}: only a run that has not ended can be cancelled.");
    }

    /// <summary>
    /// Cancels the sub-workflow runs a run started and still waited for (its step has not succeeded): called when the
    /// run ends without them. A <c>workflow.run</c> that did not wait has succeeded, so its child runs on.
    /// </summary>
    public async Task CancelChildrenAsync(Guid parentId, CancellationToken ct)
    {
        const string Reason = "Cancelled because the run that started it ended.";
        await children.CancelHeldAsync(parentId, null, Reason, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var settled = db.StepRuns.Where(s => s.ExecutionId == parentId && s.Status == StepStatus.Succeeded).Select(s => s.StepId);
        var open = await db.Executions
            .Where(e => e.ParentExecutionId == parentId && e.ParentStepId != null && !settled.Contains(e.ParentStepId)
                && (OffWorker.Contains(e.Status) || e.Status == ExecutionStatus.Running))
            .Select(e => e.Id)
            .ToListAsync(ct);
        foreach (var child in open)
        {
            await StopAsync(child, Reason, ct);
        }
    }

    /// <summary>Ends a run that is off a worker, or tells its worker on this node to stop; null when it had already ended.</summary>
    private async Task<CancelOutcome?> StopAsync(Guid executionId, string reason, CancellationToken ct)
    {
        // Off a worker (even one still letting go of it after writing Waiting): ended at once in the database.
        if (await EndOffWorkerAsync(executionId, OffWorker, reason, ct))
        {
            return new CancelOutcome(executionId, ExecutionStatus.Cancelled, Stopping: false);
        }
        if (_running.TryGetValue(executionId, out var source))
        {
            await source.CancelAsync();
            return new CancelOutcome(executionId, ExecutionStatus.Running, Stopping: true);
        }
        // Not on this node's workers: its worker is gone, or it runs on another node. Either way it is ended in the
        // database; a live worker elsewhere finds its lease gone at its next write and lets the run go.
        return await EndOffWorkerAsync(executionId, [ExecutionStatus.Running], reason, ct)
            ? new CancelOutcome(executionId, ExecutionStatus.Cancelled, Stopping: false)
            : null;
    }

    /// <summary>
    /// Ends the run <paramref name="endAs"/> (<c>Cancelled</c>, or <c>TimedOut</c> for a run over its timeout) if it is
    /// still in one of <paramref name="from"/>; its unfinished steps are cancelled with it.
    /// </summary>
    internal async Task<bool> EndOffWorkerAsync(Guid executionId, IReadOnlyCollection<ExecutionStatus> from, string reason, CancellationToken ct,
        ExecutionStatus endAs = ExecutionStatus.Cancelled)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        await using var write = await DeskDatabase.BeginWriteAsync(db, ct);
        var row = await db.Executions.AsNoTracking().Where(e => e.Id == executionId).Select(e => new { e.StartedAt, e.WaitingSince, e.WaitingMs }).SingleAsync(ct);
        long? duration = row.StartedAt is { } started ? (long)(now - started).TotalMilliseconds : null;
        // A run ended while it waited: the wait so far counts as waiting time.
        var waitingMs = row.WaitingMs + (row.WaitingSince is { } since ? Math.Max(0, (long)(now - since).TotalMilliseconds) : 0);
        var changed = await db.Executions
            .Where(e => e.Id == executionId && from.Contains(e.Status))
            .ExecuteUpdateAsync(set => set
                .SetProperty(e => e.Status, endAs)
                .SetProperty(e => e.FinishedAt, now)
                .SetProperty(e => e.DurationMs, duration)
                .SetProperty(e => e.ErrorHuman, reason)
                .SetProperty(e => e.DueAt, (DateTimeOffset?)null)
                .SetProperty(e => e.WaitingMs, waitingMs)
                .SetProperty(e => e.WaitingSince, (DateTimeOffset?)null)
                .SetProperty(e => e.LeaseOwner, (string?)null)
                .SetProperty(e => e.LeaseExpiresAt, (DateTimeOffset?)null), ct);
        if (changed == 0)
        {
            return false;
        }
        await db.StepRuns.Where(s => s.ExecutionId == executionId && (s.Status == StepStatus.Pending || s.Status == StepStatus.Running
                || s.Status == StepStatus.Waiting || s.Status == StepStatus.Retrying))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Status, StepStatus.Cancelled).SetProperty(s => s.FinishedAt, now), ct);
        var log = new ExecutionLog { ExecutionId = executionId, Time = now, Level = LogLevelName.Warning, Domain = LogDomain.System, Message = reason };
        db.ExecutionLogs.Add(log);
        await db.SaveChangesAsync(ct);
        var execution = await ExecutionEventLog.AppendCurrentAsync(db, executionId, s => s.Status == StepStatus.Cancelled && s.FinishedAt == now, [log], now, ct);
        await write.CommitAsync(ct);
        foreach (var step in execution.Steps.Where(s => s.Status == StepStatus.Cancelled))
        {
            await events.StepChangedAsync(StepRunView.From(step), ct);
        }
        await events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
        await CancelChildrenAsync(executionId, ct);
        await children.WakeParentAsync(execution.ParentExecutionId, execution.ParentStepId, ct);
        return true;
    }

    /// <summary>A run on this node's worker. Dispose it when the run leaves the worker.</summary>
    public sealed class RunningRun(RunCancellation owner, Guid executionId, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        /// <summary>Ends the run <c>Cancelled</c> after its token stopped it because a person asked.</summary>
        public Task EndCancelledAsync() =>
            owner.EndOffWorkerAsync(executionId, [.. OffWorker, ExecutionStatus.Running], "Cancelled while running.", CancellationToken.None);

        /// <summary>Ends the run <c>TimedOut</c> after its <c>settings.timeout</c> stopped it; in-flight steps end cancelled.</summary>
        public Task<bool> EndTimedOutAsync(string reason) =>
            owner.EndOffWorkerAsync(executionId, [.. OffWorker, ExecutionStatus.Running], reason, CancellationToken.None, ExecutionStatus.TimedOut);

        public void Dispose()
        {
            owner._running.TryRemove(KeyValuePair.Create(executionId, source));
            source.Dispose();
        }
    }
}
