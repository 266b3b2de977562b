using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Execution;

/// <summary>
/// What happens when the engine itself cannot run a claimed execution (a definition that does not compile, a database
/// error, a fault of the desk's own): the failure is counted on the row, the run is let go and looked at again after a
/// short pause; after <see cref="EngineOptions.MaxDispatchFailures"/> in a row it ends <c>Failed</c> with
/// "The desk could not run this execution: …" and lands in dead letters, instead of being dispatched for ever.
/// </summary>
public sealed partial class DispatchFailures(
    IDbContextFactory<DeskDbContext> dbFactory,
    IExecutionDispatcher dispatcher,
    IDeskEvents events,
    NotificationService notifications,
    Triggers.EventTriggers eventTriggers,
    RunCancellation cancellations,
    ChildRuns children,
    SecretStore secrets,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<DispatchFailures> logger)
{
    private readonly EngineOptions _options = options.Value;

    /// <summary>Counts a failure of the run this node holds, and either dispatches it again later or ends it.</summary>
    public async Task RecordAsync(Guid executionId, Exception error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owner = _options.NodeName;
        var now = time.GetUtcNow();
        var row = await db.Executions.AsNoTracking()
            .Where(e => e.Id == executionId && e.LeaseOwner == owner && e.Status == ExecutionStatus.Running)
            .Select(e => new { e.DispatchFailures, e.StartedAt })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            // Already ended, waiting, or no longer this node's: nothing is left running here.
            Log.FailedAfterRun(logger, error, executionId);
            return;
        }
        var failures = row.DispatchFailures + 1;
        if (failures < _options.MaxDispatchFailures)
        {
            // Held a little longer under this node's name, then free to be claimed by any worker.
            var retryAt = now + TimeSpan.FromSeconds(Math.Pow(2, failures));
            await db.Executions.Where(e => e.Id == executionId && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.DispatchFailures, failures)
                    .SetProperty(e => e.LeaseExpiresAt, retryAt), ct);
            Log.WillRetry(logger, error, executionId, failures, _options.MaxDispatchFailures);
            await dispatcher.DispatchAtAsync(executionId, retryAt + TimeSpan.FromSeconds(1), ct);
            return;
        }
        Log.GivenUp(logger, error, executionId, failures);
        var durationMs = (long)(now - (row.StartedAt ?? now)).TotalMilliseconds;
        await FailAsync(db, executionId, owner, failures, error, now, durationMs, ct);
    }

    /// <summary>The run went through without the engine failing: the count starts again.</summary>
    public static Task ForgetAsync(DeskDbContext db, Guid executionId, CancellationToken ct) =>
        db.Executions.Where(e => e.Id == executionId).ExecuteUpdateAsync(set => set.SetProperty(e => e.DispatchFailures, 0), ct);

    private async Task FailAsync(DeskDbContext db, Guid executionId, string owner, int failures, Exception error, DateTimeOffset now, long durationMs, CancellationToken ct)
    {
        // What the engine threw may quote a value of the run's; it is masked like every other error the desk writes.
        var masker = await secrets.EveryMaskerAsync(ct);
        var human = masker.Apply($"The desk could not run this execution: {error.Message}")!;
        var tech = masker.Apply(error.ToString());
        await using (var write = await DeskDatabase.BeginWriteAsync(db, ct))
        {
            var ended = await db.Executions.Where(e => e.Id == executionId && e.LeaseOwner == owner && e.Status == ExecutionStatus.Running)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(e => e.Status, ExecutionStatus.Failed)
                    .SetProperty(e => e.DispatchFailures, failures)
                    .SetProperty(e => e.ErrorHuman, human)
                    .SetProperty(e => e.ErrorTech, tech)
                    .SetProperty(e => e.FinishedAt, now)
                    .SetProperty(e => e.DurationMs, durationMs)
                    .SetProperty(e => e.LeaseOwner, (string?)null)
                    .SetProperty(e => e.LeaseExpiresAt, (DateTimeOffset?)null)
                    .SetProperty(e => e.DueAt, (DateTimeOffset?)null), ct);
            if (ended == 0)
            {
                return;
            }
            // Steps the engine had started are stopped with the run; the others never ran.
            await db.StepRuns.Where(s => s.ExecutionId == executionId && s.Status == StepStatus.Running)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(s => s.Status, StepStatus.Cancelled)
                    .SetProperty(s => s.FinishedAt, now)
                    .SetProperty(s => s.ErrorHuman, "Stopped: the desk could not run this execution."), ct);
            var log = new ExecutionLog
            {
                ExecutionId = executionId,
                Time = now,
                Level = LogLevelName.Error,
                Domain = LogDomain.System,
                Message = $"{human} (failed {failures} times in a row)",
            };
            db.ExecutionLogs.Add(log);
            await db.SaveChangesAsync(ct);
            await ExecutionEventLog.AppendCurrentAsync(db, executionId, s => s.Status == StepStatus.Cancelled && s.FinishedAt == now, [log], now, ct);
            await write.CommitAsync(ct);
        }
        var execution = await db.Executions.AsNoTracking().SingleAsync(e => e.Id == executionId, ct);
        await events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
        if (execution.TriggerKind != ExecutionLauncher.TestTriggerKind && !execution.DryRun)
        {
            await notifications.CreateAsync(new NewNotification(
                $"{execution.WorkflowName} failed",
                $"{human} It is in dead letters: replay it, resume it, or discard it.",
                NotificationType.Error, NotificationPriority.High, execution.Id, execution.WorkflowId,
                StableId.Within(execution.Id, "notify:failed")), ct);
        }
        await cancellations.CancelChildrenAsync(executionId, ct);
        await children.WakeParentAsync(execution.ParentExecutionId, execution.ParentStepId, ct);
        await eventTriggers.FireAsync(execution, ct);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The desk could not run execution {ExecutionId} (failure {Failures} of {Max} in a row); it will be tried again")]
        public static partial void WillRetry(ILogger logger, Exception error, Guid executionId, int failures, int max);

        [LoggerMessage(Level = LogLevel.Error, Message = "The desk could not run execution {ExecutionId} {Failures} times in a row; it is failed")]
        public static partial void GivenUp(ILogger logger, Exception error, Guid executionId, int failures);

        [LoggerMessage(Level = LogLevel.Error, Message = "Execution {ExecutionId} failed in the engine after it left this worker")]
        public static partial void FailedAfterRun(ILogger logger, Exception error, Guid executionId);
    }
}
