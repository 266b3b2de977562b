using System.Collections.Concurrent;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Execution;

/// <summary>What a pause request did: the run is paused now, or it pauses when its running steps end.</summary>
public sealed record PauseOutcome(Guid ExecutionId, ExecutionStatus Status, bool Pausing);

/// <summary>
/// Pauses and resumes runs by hand. A run that is not on a worker (queued, waiting, retrying) is paused by a
/// conditional update; a running run is asked to pause, and the runner stops at the next step boundary: it starts
/// nothing new, writes its checkpoint and leaves the run <c>Paused</c> with its lease released. A manually paused
/// run has no due time, so no timer wakes it; resuming queues it and dispatches it again.
/// </summary>
public sealed class RunPause(IDbContextFactory<DeskDbContext> dbFactory, IExecutionDispatcher dispatcher, IDeskEvents events, AuditTrail audit, TimeProvider time)
{
    private static readonly ExecutionStatus[] OffWorker = [ExecutionStatus.Queued, ExecutionStatus.Waiting, ExecutionStatus.Retrying];

    private readonly ConcurrentDictionary<Guid, byte> _requested = new();

    /// <summary>True when a person asked the run to pause; the runner checks it between steps.</summary>
    public bool IsRequested(Guid executionId) => _requested.ContainsKey(executionId);

    /// <summary>The runner paused the run or let go of it: the request is done with.</summary>
    public void Forget(Guid executionId) => _requested.TryRemove(executionId, out _);

    /// <exception cref="DeskProblemException">Not found, or the run is not queued, running or waiting (conflict).</exception>
    public async Task<PauseOutcome> PauseAsync(Guid executionId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var status = await StatusAsync(db, executionId, ct);
        if (status is ExecutionStatus.Paused || status.IsFinal())
        {
            throw new DeskProblemException(ProblemKind.Conflict, "The run cannot be paused",
                $"Execution {executionId} is {status}: only a queued, running or waiting run can be paused.");
        }
        audit.Record(db, actor, "execution.pause", $"execution:{executionId}", new { from = status.ToString() });
        await db.SaveChangesAsync(ct);
        // A run moves between a worker and the database on its own; try each side until one of them holds.
        for (var tries = 0; tries < 5; tries++)
        {
            if (await MoveAsync(db, executionId, OffWorker, ExecutionStatus.Paused, ct))
            {
                return new PauseOutcome(executionId, ExecutionStatus.Paused, Pausing: false);
            }
            _requested[executionId] = 0;
            status = await StatusAsync(db, executionId, ct);
            if (status == ExecutionStatus.Running)
            {
                return new PauseOutcome(executionId, ExecutionStatus.Running, Pausing: true);
            }
            Forget(executionId);
            if (status is ExecutionStatus.Paused || status.IsFinal())
            {
                return new PauseOutcome(executionId, status, Pausing: false);
            }
        }
        throw new DeskProblemException(ProblemKind.Conflict, "The run cannot be paused", $"Execution {executionId} kept changing state: try again.");
    }

    /// <summary>Dispatches a paused run again. A run paused at an approval step needs a decision instead (<see cref="Approvals"/>).</summary>
    /// <exception cref="DeskProblemException">Not found, not paused (conflict), or waiting for a decision (invalid).</exception>
    public async Task<ExecutionSummary> ResumeAsync(Guid executionId, Actor actor, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var status = await StatusAsync(db, executionId, ct);
        if (status != ExecutionStatus.Paused)
        {
            throw new DeskProblemException(ProblemKind.Conflict, "The run is not paused", $"Execution {executionId} is {status}: only a paused run can be resumed.");
        }
        if (await WaitsForDecisionAsync(db, executionId, ct))
        {
            throw DeskProblemException.InvalidField("decision",
                $"Execution {executionId} waits at an approval step: resume it with a decision, approve or reject.");
        }
        audit.Record(db, actor, "execution.resume", $"execution:{executionId}", null);
        await db.SaveChangesAsync(ct);
        if (!await MoveAsync(db, executionId, [ExecutionStatus.Paused], ExecutionStatus.Queued, ct))
        {
            throw new DeskProblemException(ProblemKind.Conflict, "The run is not paused",
                $"Execution {executionId} is {await StatusAsync(db, executionId, ct)}: only a paused run can be resumed.");
        }
        await dispatcher.DispatchAsync(executionId, ct);
        return ExecutionSummary.From(await db.Executions.AsNoTracking().SingleAsync(e => e.Id == executionId, ct));
    }

    /// <summary>True when the paused run waits for a person to approve or reject one of its steps.</summary>
    public static Task<bool> WaitsForDecisionAsync(DeskDbContext db, Guid executionId, CancellationToken ct) =>
        db.StepRuns.AnyAsync(s => s.ExecutionId == executionId && s.Type == Steps.ApprovalStep.TypeName
            && s.Status == StepStatus.Waiting && s.OutputJson == null, ct);

    private static async Task<ExecutionStatus> StatusAsync(DeskDbContext db, Guid executionId, CancellationToken ct) =>
        await db.Executions.Where(e => e.Id == executionId).Select(e => (ExecutionStatus?)e.Status).SingleOrDefaultAsync(ct)
        ?? throw new DeskProblemException(ProblemKind.NotFound, "Execution not found", $"There is no execution {executionId}.");

    /// <summary>Moves the run and stores its event in one commit; a run paused here starts waiting (until it is claimed again).</summary>
    private async Task<bool> MoveAsync(DeskDbContext db, Guid executionId, IReadOnlyCollection<ExecutionStatus> from, ExecutionStatus to, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? waitFrom = to == ExecutionStatus.Paused ? now : null;
        Execution moved;
        await using (var write = await DeskDatabase.BeginWriteAsync(db, ct))
        {
            var changed = await db.Executions
                .Where(e => e.Id == executionId && from.Contains(e.Status))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.Status, to)
                    .SetProperty(e => e.DueAt, (DateTimeOffset?)null)
                    .SetProperty(e => e.WaitingSince, e => e.WaitingSince ?? waitFrom)
                    .SetProperty(e => e.LeaseOwner, (string?)null)
                    .SetProperty(e => e.LeaseExpiresAt, (DateTimeOffset?)null), ct);
            if (changed == 0)
            {
                return false;
            }
            moved = await ExecutionEventLog.AppendCurrentAsync(db, executionId, _ => false, [], now, ct);
            await write.CommitAsync(ct);
        }
        await events.ExecutionChangedAsync(ExecutionSummary.From(moved), ct);
        return true;
    }
}
