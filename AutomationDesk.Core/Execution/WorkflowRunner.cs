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
/// Runs one execution: claims it with a lease, starts every step whose upstream steps are done (so independent
/// branches run in parallel), writes each step's checkpoint when it ends, and leaves the run <c>Waiting</c> with a
/// due time when a step waits. All database work happens on the loop; steps run concurrently and only return.
/// </summary>
public sealed partial class WorkflowRunner(
    IDbContextFactory<DeskDbContext> dbFactory,
    CompiledWorkflowCache cache,
    StepRegistry registry,
    SecretStore secrets,
    Connections.ConnectionStore connections,
    Settings.DeskSettings settings,
    IExecutionDispatcher dispatcher,
    IDeskEvents events,
    NotificationService notifications,
    RunCancellation cancellations,
    ChildRuns children,
    RunPause pauses,
    Triggers.EventTriggers eventTriggers,
    DispatchFailures dispatchFailures,
    TimeProvider time,
    IOptions<EngineOptions> options,
    ILogger<WorkflowRunner> logger)
{
    private readonly EngineOptions _options = options.Value;
    private readonly StepRegistry _registry = registry;
    private readonly IExecutionDispatcher _dispatcher = dispatcher;
    private readonly IDeskEvents _events = events;
    private readonly NotificationService _notifications = notifications;
    private readonly RunPause _pauses = pauses;
    private readonly ChildRuns _children = children;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    /// <summary>
    /// Runs the execution if it can be claimed. Returns false when it is final, not due, or held by another worker.
    /// Whatever goes wrong once the run is claimed never leaves it <c>Running</c> for ever: the failure is counted on the
    /// row and the run is looked at again shortly; after <see cref="EngineOptions.MaxDispatchFailures"/> in a row it ends
    /// <c>Failed</c> with the reason.
    /// </summary>
    public async Task<bool> RunAsync(Guid executionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for the whole run: the claim, the load and every checkpoint reuse it.
        await db.Database.OpenConnectionAsync(ct);
        if (await ClaimAsync(db, executionId, ct) is not { } execution)
        {
            await LookAgainAfterLeaseAsync(db, executionId, ct);
            return false;
        }
        try
        {
            await RunClaimedAsync(db, execution, ct);
        }
#pragma warning disable CA1031 // Not swallowed: counted on the run, which is failed with it after a few in a row.
        catch (Exception e) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            await dispatchFailures.RecordAsync(executionId, e, CancellationToken.None);
        }
        return true;
    }

    /// <summary>
    /// The connections the run's steps may use: those they name, and the default connection of each step type that
    /// names none. Their secrets are masked wherever the run writes.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> ConnectionsOfAsync(CompiledWorkflow compiled, CancellationToken ct)
    {
        var names = new HashSet<string>(compiled.ConnectionNames, StringComparer.Ordinal);
        var defaults = compiled.Definition.Steps
            .Where(s => s.Config[Connections.ConnectionNames.Field] is null)
            .Select(s => _registry.Find(s.Type)?.DefaultConnectionSetting)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
        foreach (var key in defaults)
        {
            if (await settings.TextAsync(key, ct) is { } name)
            {
                names.Add(name);
            }
        }
        return names;
    }

    private async Task RunClaimedAsync(DeskDbContext db, Execution execution, CancellationToken ct)
    {
        var executionId = execution.Id;
        execution.EndWait(_time.GetUtcNow()); // Written with the run's first checkpoint on this worker.
        CompiledWorkflow? compiled;
        if (execution.DraftDefinitionJson is { } draft)
        {
            compiled = CompiledWorkflow.Compile(draft);
        }
        else if (!cache.TryGet(execution.WorkflowId, execution.WorkflowVersion, out compiled))
        {
            var definitionJson = await db.WorkflowVersions.AsNoTracking()
                .Where(v => v.WorkflowId == execution.WorkflowId && v.Version == execution.WorkflowVersion)
                .Select(v => v.DefinitionJson)
                .SingleOrDefaultAsync(ct);
            if (definitionJson is null)
            {
                await FailWithoutStepsAsync(db, execution, "The workflow was deleted before this run started.", ct);
                await _children.WakeParentAsync(execution.ParentExecutionId, execution.ParentStepId, CancellationToken.None);
                return;
            }
            compiled = cache.GetOrCompile(execution.WorkflowId, execution.WorkflowVersion, definitionJson);
        }
        var revealed = await secrets.RevealAsync(compiled.SecretNames.ToList(), ct);
        var connectionSecrets = await connections.SecretValuesAsync(await ConnectionsOfAsync(compiled, ct), ct);
        // Global variables are read once each time a run is taken up, not per step: a change reaches the next run.
        var globalVars = await settings.VarsAsync(ct);
        var run = new Run(this, db, execution, compiled, revealed, connectionSecrets, globalVars);
        using var running = cancellations.Track(executionId, ct);
        var limit = compiled.Definition.Settings?.Timeout;
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        if (limit is { } allowed)
        {
            timeout.CancelAfter(Timers.Bounded(execution.StartedAt!.Value + allowed - _time.GetUtcNow()));
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(running.Token, timeout.Token);
        try
        {
            await run.ExecuteAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // A person cancelled the run or its time ran out; it is ended below.
        }
        if (execution.DispatchFailures > 0)
        {
            await DispatchFailures.ForgetAsync(db, executionId, ct);
        }
        if (run.Lost)
        {
            return;
        }
        if (running.Token.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // Whether its steps stopped or it reached a wait first, a cancelled run ends Cancelled unless it had already ended.
            await running.EndCancelledAsync();
        }
        else if (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            var reason = $"The run took longer than its timeout of {limit!.Value:c}.";
            if (await running.EndTimedOutAsync(reason))
            {
                await run.AfterTimeoutAsync(reason, CancellationToken.None);
            }
        }
        if (execution.Status.IsFinal())
        {
            // Not to be skipped by a shutdown that has begun: the children and the parent would wait for a restart.
            await cancellations.CancelChildrenAsync(executionId, CancellationToken.None);
            await _children.WakeParentAsync(execution.ParentExecutionId, execution.ParentStepId, CancellationToken.None);
        }
        await eventTriggers.FireAsync(execution, ct);
    }

    /// <summary>
    /// Claims the run and loads it, with its steps, for running; null when it cannot be claimed. The claim is a change
    /// of the run (it is Running now, on this worker), so its event goes in the claim's commit; the run is read inside
    /// that commit, the read the run needs anyway, so the event costs no read of its own.
    /// </summary>
    private async Task<Execution?> ClaimAsync(DeskDbContext db, Guid id, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var until = now + _options.LeaseDuration;
        var owner = _options.NodeName;
        if (!_options.StoreEvents)
        {
            return await ClaimRowAsync(db, id, now, until, owner, ct) ? await LoadAsync(db, id, ct) : null;
        }
        Execution claimed;
        await using (var write = await DeskDatabase.BeginWriteAsync(db, ct))
        {
            if (!await ClaimRowAsync(db, id, now, until, owner, ct))
            {
                return null;
            }
            claimed = await LoadAsync(db, id, ct);
            await ExecutionEventLog.AppendAsync(db, [ExecutionEventLog.ForExecution(claimed, now)], ct);
            await write.CommitAsync(ct);
        }
        await _events.ExecutionChangedAsync(ExecutionSummary.From(claimed), ct);
        return claimed;
    }

    private static Task<Execution> LoadAsync(DeskDbContext db, Guid id, CancellationToken ct) =>
        db.Executions.Include(e => e.Steps).SingleAsync(e => e.Id == id, ct);

    private static async Task<bool> ClaimRowAsync(DeskDbContext db, Guid id, DateTimeOffset now, DateTimeOffset until, string owner, CancellationToken ct)
    {
        var claimed = await db.Executions
            .Where(e => e.Id == id
                && (e.Status == ExecutionStatus.Queued || e.Status == ExecutionStatus.Running || e.Status == ExecutionStatus.Waiting
                    || e.Status == ExecutionStatus.Retrying || (e.Status == ExecutionStatus.Paused && e.DueAt != null))
                && (e.LeaseExpiresAt == null || e.LeaseExpiresAt < now)
                && (e.DueAt == null || e.DueAt <= now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(e => e.LeaseOwner, owner)
                .SetProperty(e => e.LeaseExpiresAt, until)
                .SetProperty(e => e.Status, ExecutionStatus.Running)
                .SetProperty(e => e.StartedAt, e => e.StartedAt ?? now)
                .SetProperty(e => e.DueAt, (DateTimeOffset?)null), ct);
        return claimed == 1;
    }

    /// <summary>
    /// A run that could not be claimed. One held by a lease of another node is looked at again when the lease ends; anything
    /// else is left alone. A run that waits has its own timer for its due time (set when it began to wait, and by recovery), so
    /// a dispatch that finds it waiting came twice and adds no timer: timers that persist come twice after a restart, and
    /// putting every such one back would keep the double for the rest of the run's waits. A run held by this node is
    /// running here.
    /// </summary>
    private async Task LookAgainAfterLeaseAsync(DeskDbContext db, Guid id, CancellationToken ct)
    {
        var row = await db.Executions.AsNoTracking().Where(e => e.Id == id).Select(e => new { e.Status, e.LeaseExpiresAt, e.LeaseOwner }).SingleOrDefaultAsync(ct);
        var now = _time.GetUtcNow();
        if (row is { Status: ExecutionStatus.Running, LeaseExpiresAt: { } leaseEnds } && leaseEnds > now && row.LeaseOwner != _options.NodeName)
        {
            // Held by a lease that has not run out: a worker that died (recovery dispatched it for the lease's end, and
            // the job came a moment early; Hangfire's schedule is in whole seconds) or one that is alive. Look again
            // just after the lease ends; a live worker will have renewed it or finished by then.
            await _dispatcher.DispatchAtAsync(id, leaseEnds + TimeSpan.FromSeconds(1), ct);
        }
        else
        {
            Log.NotClaimed(_logger, id, row?.Status.ToString() ?? "missing");
        }
    }

    private async Task FailWithoutStepsAsync(DeskDbContext db, Execution execution, string reason, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        execution.Status = ExecutionStatus.Failed;
        execution.ErrorHuman = reason;
        execution.FinishedAt = now;
        execution.DurationMs = (long)(now - (execution.StartedAt ?? now)).TotalMilliseconds;
        execution.LeaseOwner = null;
        execution.LeaseExpiresAt = null;
        await ExecutionEventLog.SaveChangesAsync(db, now, ct);
        await _events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
    }



    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Execution {ExecutionId} was not claimed ({Status})")]
        public static partial void NotClaimed(ILogger logger, Guid executionId, string status);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionId} is no longer held by this worker (taken over or ended elsewhere); letting it go")]
        public static partial void LeaseLost(ILogger logger, Guid executionId);
    }
}
