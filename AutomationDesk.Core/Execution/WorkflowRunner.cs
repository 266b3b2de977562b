using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Live;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
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
    IExecutionDispatcher dispatcher,
    IDeskEvents events,
    NotificationService notifications,
    RunCancellation cancellations,
    RunPause pauses,
    Triggers.EventTriggers eventTriggers,
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
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    /// <summary>Runs the execution if it can be claimed. Returns false when it is final, not due, or held by another worker.</summary>
    public async Task<bool> RunAsync(Guid executionId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for the whole run: the claim, the load and every checkpoint reuse it.
        await db.Database.OpenConnectionAsync(ct);
        if (!await ClaimAsync(db, executionId, ct))
        {
            await RescheduleIfEarlyAsync(db, executionId, ct);
            return false;
        }
        var execution = await db.Executions.Include(e => e.Steps).SingleAsync(e => e.Id == executionId, ct);
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
                return true;
            }
            compiled = cache.GetOrCompile(execution.WorkflowId, execution.WorkflowVersion, definitionJson);
        }
        var revealed = await secrets.RevealAsync(compiled.SecretNames.ToList(), ct);
        var run = new Run(this, db, execution, compiled, revealed);
        using var running = cancellations.Track(executionId, ct);
        var limit = compiled.Definition.Settings?.Timeout;
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        if (limit is { } allowed)
        {
            timeout.CancelAfter(Max(execution.StartedAt!.Value + allowed - _time.GetUtcNow(), TimeSpan.Zero));
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
        if (run.Lost)
        {
            return true;
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
        await eventTriggers.FireAsync(execution, ct);
        return true;
    }

    private async Task<bool> ClaimAsync(DeskDbContext db, Guid id, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var until = now + _options.LeaseDuration;
        var owner = _options.NodeName;
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

    /// <summary>A waiting run dispatched before its time (after a restart, say) is put back on its timer.</summary>
    private async Task RescheduleIfEarlyAsync(DeskDbContext db, Guid id, CancellationToken ct)
    {
        var row = await db.Executions.AsNoTracking().Where(e => e.Id == id).Select(e => new { e.Status, e.DueAt, e.LeaseExpiresAt }).SingleOrDefaultAsync(ct);
        var now = _time.GetUtcNow();
        if (row is { Status: ExecutionStatus.Waiting or ExecutionStatus.Retrying or ExecutionStatus.Paused, DueAt: { } due } && due > now)
        {
            await _dispatcher.DispatchAtAsync(id, due, ct);
        }
        else if (row is { Status: ExecutionStatus.Running, LeaseExpiresAt: { } leaseEnds } && leaseEnds > now)
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
        await db.SaveChangesAsync(ct);
        await _events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private sealed record StepOutcome(
        StepStatus Status, JsonNode? Output, DateTimeOffset? WaitUntil, string? ErrorHuman, string? ErrorTech, IReadOnlyCollection<StepLogEntry> Logs,
        bool Transient = false, TimeSpan? RetryAfter = null, bool TimedOut = false);

    /// <summary>The state of one run while it is on this worker.</summary>
    private sealed class Run(WorkflowRunner runner, DeskDbContext db, Execution execution, CompiledWorkflow compiled, IReadOnlyDictionary<string, string> secretValues)
    {
        private readonly Dictionary<string, StepRun> _rows = execution.Steps.ToDictionary(s => s.StepId, StringComparer.Ordinal);
        private readonly Dictionary<Task<StepOutcome>, StepRun> _running = [];
        private readonly List<StepRun> _changedSteps = [];
        private readonly List<ExecutionLog> _logs = [];
        private readonly SecretMasker _masker = new(secretValues.Values);
        private readonly TimeProvider _time = runner._time;
        private readonly Dictionary<string, (string? OutputJson, StepStatus Status, JsonObject Entry)> _stepEntries = new(StringComparer.Ordinal);
        private JsonObject? _scope;
        private StepRun? _failed;
        private bool _failedByTimeout;

        private WorkflowDefinition Definition => compiled.Definition;

        public async Task ExecuteAsync(CancellationToken ct)
        {
            using var stepsCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var renewDelay = new CancellationTokenSource();
            var renewEvery = runner._options.LeaseDuration / 3;
            var renewAt = _time.GetUtcNow() + renewEvery;
            Task? renewTask = null;
            RecoverInterrupted();
            var firstStart = execution.Attempt == 1 && execution.Steps.All(s => s.Status == StepStatus.Pending);
            AddLog(LogLevelName.Information, LogDomain.System, null, firstStart ? "Run started" : "Run resumed");
            if (firstStart)
            {
                await NotifyAsync("started", ct);
            }
            try
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    var toStart = _failed is null ? Settle() : [];
                    if (toStart.Count > 0 && runner._pauses.IsRequested(execution.Id))
                    {
                        // Paused by hand: nothing new starts; once the running steps end, the run stops here.
                        toStart = [];
                        if (_running.Count == 0)
                        {
                            await PauseAsync(ct);
                            return;
                        }
                    }
                    if (_failed is not null && _running.Count > 0)
                    {
                        await StopOtherStepsAsync(stepsCancel);
                    }
                    var done = _running.Count == 0 && toStart.Count == 0;
                    if (done)
                    {
                        Finish();
                    }
                    var now = _time.GetUtcNow();
                    foreach (var row in toStart)
                    {
                        row.Status = StepStatus.Running;
                        row.Attempts++;
                        row.StartedAt = now;
                        row.FinishedAt = null;
                        row.DurationMs = null;
                        execution.CurrentStepId = row.StepId;
                        _changedSteps.Add(row);
                        AddLog(LogLevelName.Debug, LogDomain.Step, row.StepId, $"Step '{row.StepId}' started (attempt {row.Attempts})");
                    }
                    // A step with side effects starts only after everything before it is durable; pure steps
                    // (transform, condition…) are safe to run again, so their results are committed together.
                    if (done || toStart.Any(HasSideEffects))
                    {
                        await CheckpointAsync(ct);
                    }
                    if (done)
                    {
                        await AfterFinishAsync(ct);
                        return;
                    }
                    foreach (var row in toStart)
                    {
                        _running[StartStep(row, stepsCancel.Token)] = row;
                    }
                    // One timer serves every wait until it fires, instead of a new timer each time a step ends.
                    renewTask ??= Task.Delay(Max(renewAt - _time.GetUtcNow(), TimeSpan.Zero), _time, renewDelay.Token);
                    var finished = await Task.WhenAny(_running.Keys.Append(renewTask));
                    if (finished == renewTask)
                    {
                        renewTask = null;
                        renewAt = _time.GetUtcNow() + renewEvery;
                        if (!await RenewLeaseAsync(ct))
                        {
                            await LetGoAsync(stepsCancel);
                            return;
                        }
                        continue;
                    }
                    var task = (Task<StepOutcome>)finished;
                    var outcome = await task;
                    var stepRow = _running[task];
                    _running.Remove(task);
                    Record(stepRow, outcome);
                }
            }
            catch (DbUpdateConcurrencyException)
            {
                // The row's lease owner is no longer this worker: the run was ended elsewhere (cancelled from another
                // node) or taken over. Nothing of this worker's was written; the run is not ours to finish.
                await LetGoAsync(stepsCancel);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The desk is shutting down: leave the run for recovery and let it be claimed at once.
                await ReleaseLeaseAsync();
                throw;
            }
            finally
            {
                runner._pauses.Forget(execution.Id);
                await renewDelay.CancelAsync();
            }
        }

        /// <summary>True when the run left this worker without ending here: its lease went to another worker or node.</summary>
        public bool Lost { get; private set; }

        /// <summary>Stops the steps in flight and lets the run go without writing anything more.</summary>
        private async Task LetGoAsync(CancellationTokenSource stepsCancel)
        {
            Lost = true;
            Log.LeaseLost(runner._logger, execution.Id);
            await stepsCancel.CancelAsync();
            await Task.WhenAll(_running.Keys.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default)));
        }

        /// <summary>The run has failed: stop the other branches, then record how they ended.</summary>
        private async Task StopOtherStepsAsync(CancellationTokenSource stepsCancel)
        {
            await stepsCancel.CancelAsync();
            foreach (var (task, row) in _running.ToList())
            {
                Record(row, await task);
            }
            _running.Clear();
        }

        /// <summary>A step that was running when the desk stopped is run again (at-least-once per step).</summary>
        private void RecoverInterrupted()
        {
            foreach (var row in execution.Steps.Where(s => s.Status == StepStatus.Running))
            {
                row.Status = StepStatus.Pending;
                _changedSteps.Add(row);
                AddLog(LogLevelName.Warning, LogDomain.System, row.StepId, $"Step '{row.StepId}' was interrupted and will run again");
            }
        }

        /// <summary>Ends due waits, skips what must be skipped, and returns the steps that may start now.</summary>
        private List<StepRun> Settle()
        {
            var now = _time.GetUtcNow();
            foreach (var row in execution.Steps.Where(s => s.Status == StepStatus.Waiting && s.ResumeAt <= now))
            {
                if (row.Type == ApprovalStep.TypeName)
                {
                    SettleApproval(row, now);
                    continue;
                }
                row.Status = StepStatus.Succeeded;
                row.FinishedAt = now;
                row.DurationMs = Duration(row.StartedAt, now);
                row.ResumeAt = null;
                _changedSteps.Add(row);
                AddLog(LogLevelName.Information, LogDomain.Step, row.StepId, $"Step '{row.StepId}' finished waiting");
            }
            if (_failed is not null)
            {
                return [];
            }
            foreach (var row in execution.Steps.Where(s => s.Status == StepStatus.Retrying && s.ResumeAt <= now))
            {
                row.Status = StepStatus.Pending;
                row.ResumeAt = null;
                _changedSteps.Add(row);
            }
            var limit = Definition.Settings?.MaxConcurrency ?? runner._options.MaxParallelSteps;
            var toStart = new List<StepRun>();
            bool changed;
            do
            {
                changed = false;
                foreach (var step in Definition.Steps)
                {
                    var row = _rows[step.Id];
                    if (row.Status != StepStatus.Pending || toStart.Contains(row))
                    {
                        continue;
                    }
                    var upstream = compiled.Dependencies[step.Id].Select(d => _rows[d]).ToList();
                    if (!upstream.All(u => IsSettled(u)))
                    {
                        continue;
                    }
                    if (upstream.Count > 0 && upstream.All(u => u.Status == StepStatus.Skipped))
                    {
                        Skip(row, "every step it depends on was skipped");
                        changed = true;
                        continue;
                    }
                    if (step.When is not null)
                    {
                        bool holds;
                        try
                        {
                            holds = Condition.Evaluate(step.When, Scope());
                        }
                        catch (TemplateException e)
                        {
                            Fail(row, $"Its 'when' condition could not be read: {e.Message}", null);
                            return [];
                        }
                        if (!holds)
                        {
                            Skip(row, "its 'when' condition is false");
                            changed = true;
                            continue;
                        }
                    }
                    if (_running.Count + toStart.Count < limit)
                    {
                        toStart.Add(row);
                    }
                }
            }
            while (changed);
            return toStart;
        }

        /// <summary>Ends an approval step with its decision, or with its default decision when its time ran out.</summary>
        private void SettleApproval(StepRun row, DateTimeOffset now)
        {
            var (decision, output) = Approvals.Settle(row, now);
            row.ResumeAt = null;
            row.OutputJson = output.ToJsonString();
            var by = output["by"]?.GetValue<string>();
            var comment = output["comment"]?.GetValue<string>();
            if (decision == ApprovalDecision.Reject)
            {
                Fail(row, string.IsNullOrWhiteSpace(comment) ? $"Rejected by {by}." : $"Rejected by {by}: {comment}", null);
                return;
            }
            row.Status = StepStatus.Succeeded;
            row.FinishedAt = now;
            row.DurationMs = Duration(row.StartedAt, now);
            _changedSteps.Add(row);
            AddLog(LogLevelName.Information, LogDomain.Step, row.StepId, $"Step '{row.StepId}' approved by {by}");
        }

        /// <summary>Leaves the run <c>Paused</c> between steps, as a person asked: checkpoint written, lease released, no timer.</summary>
        private async Task PauseAsync(CancellationToken ct)
        {
            execution.Status = ExecutionStatus.Paused;
            execution.DueAt = null;
            execution.LeaseOwner = null;
            execution.LeaseExpiresAt = null;
            execution.Progress = Progress();
            AddLog(LogLevelName.Information, LogDomain.System, null, "Run paused");
            await CheckpointAsync(ct);
        }

        private bool HasSideEffects(StepRun row) => runner._registry.Find(row.Type)?.HasSideEffects ?? true;

        /// <summary>Done for the purpose of its dependants: finished, or failed with <c>onError: continue</c>.</summary>
        private static bool IsSettled(StepRun row) => row.Status is StepStatus.Succeeded or StepStatus.Skipped or StepStatus.Failed;

        private void Skip(StepRun row, string reason)
        {
            var now = _time.GetUtcNow();
            row.Status = StepStatus.Skipped;
            row.FinishedAt = now;
            _changedSteps.Add(row);
            AddLog(LogLevelName.Information, LogDomain.Step, row.StepId, $"Step '{row.StepId}' skipped: {reason}");
        }

        private Task<StepOutcome> StartStep(StepRun row, CancellationToken ct)
        {
            var step = Definition.Steps[row.Position];
            var descriptor = runner._registry.Find(step.Type);
            JsonObject resolved;
            try
            {
                if (descriptor is null)
                {
                    throw new StepFailedException($"Step type '{step.Type}' is not known to this desk.");
                }
                resolved = descriptor.ResolveConfig(step.Config, Scope());
            }
            catch (Exception e) when (e is TemplateException or StepFailedException)
            {
                return Task.FromResult(new StepOutcome(StepStatus.Failed, null, null, e is StepFailedException f ? f.Human : e.Message, null, []));
            }
            row.InputJson = StoredJson.Write(_masker.Apply(resolved));
            var context = new StepContext(execution.Id, execution.WorkflowId, row.StepId, row.Attempts, execution.OriginExecutionId);
            var timeout = step.Timeout ?? runner._options.DefaultStepTimeout;
            return RunStepAsync(descriptor, resolved, context, timeout, ct);
        }

        private async Task<StepOutcome> RunStepAsync(StepDescriptor descriptor, JsonObject config, StepContext context, TimeSpan timeout, CancellationToken ct)
        {
            await Task.Yield(); // Let the loop go on to start the other ready steps.
            using var deadline = new CancellationTokenSource(timeout, _time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            try
            {
                var result = await descriptor.ExecuteAsync(config, context, attempt.Token);
                return result.WaitUntil is not null || result.AwaitsDecision
                    ? new StepOutcome(StepStatus.Waiting, result.Output, result.WaitUntil, null, null, context.DrainLogs())
                    : new StepOutcome(StepStatus.Succeeded, result.Output, null, null, null, context.DrainLogs());
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return new StepOutcome(StepStatus.Cancelled, null, null, "Cancelled because the run stopped.", null, context.DrainLogs());
            }
            catch (OperationCanceledException e) when (attempt.IsCancellationRequested)
            {
                return new StepOutcome(StepStatus.Failed, null, null, $"Timed out after {timeout:c}.", e.ToString(), context.DrainLogs(), Transient: true, TimedOut: true);
            }
            catch (StepFailedException e)
            {
                return new StepOutcome(StepStatus.Failed, null, null, e.Human, e.InnerException?.ToString() ?? e.Message, context.DrainLogs(),
                    e.Transient, e.RetryAfter);
            }
            catch (StepConfigException e)
            {
                return new StepOutcome(StepStatus.Failed, null, null, $"Its settings are not valid: {e.Message}", null, context.DrainLogs());
            }
#pragma warning disable CA1031 // A step's failure of any kind is recorded on the step, not thrown through the run.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return new StepOutcome(StepStatus.Failed, null, null, e.Message, e.ToString(), context.DrainLogs(),
                    Transient: e is HttpRequestException or IOException or TimeoutException);
            }
        }

        private void Record(StepRun row, StepOutcome outcome)
        {
            var now = _time.GetUtcNow();
            foreach (var entry in outcome.Logs)
            {
                AddLog(entry.Level, LogDomain.Step, row.StepId, entry.Message, entry.Data);
            }
            row.OutputJson = StoredJson.Write(_masker.Apply(outcome.Output));
            _changedSteps.Add(row);
            switch (outcome.Status)
            {
                case StepStatus.Waiting:
                    row.Status = StepStatus.Waiting;
                    row.ResumeAt = outcome.WaitUntil;
                    AddLog(LogLevelName.Information, LogDomain.Step, row.StepId, outcome.WaitUntil is { } until
                        ? $"Step '{row.StepId}' waits until {until.ToString("O", CultureInfo.InvariantCulture)}"
                        : $"Step '{row.StepId}' waits for a decision");
                    return;
                case StepStatus.Failed when outcome.Transient && NextAttemptAt(row, outcome) is { } due:
                    RetryLater(row, outcome, due);
                    return;
                case StepStatus.Failed:
                    Fail(row, outcome.ErrorHuman ?? "It failed.", outcome.ErrorTech, outcome.TimedOut);
                    return;
                default:
                    row.Status = outcome.Status;
                    row.ErrorHuman = null;
                    row.ErrorTech = null;
                    row.FinishedAt = now;
                    row.DurationMs = Duration(row.StartedAt, now);
                    if (outcome.Status == StepStatus.Succeeded)
                    {
                        AddLog(LogLevelName.Information, LogDomain.Step, row.StepId, $"Step '{row.StepId}' succeeded in {row.DurationMs} ms");
                    }
                    return;
            }
        }

        /// <summary>When the step's retry policy gives it another attempt, or null when it has none left.</summary>
        private DateTimeOffset? NextAttemptAt(StepRun row, StepOutcome outcome)
        {
            var policy = Definition.Steps[row.Position].Retry;
            if (policy is null || row.Attempts >= policy.MaxAttempts)
            {
                return null;
            }
            return _time.GetUtcNow() + RetryBackoff.Delay(policy, row.Attempts, outcome.RetryAfter, Random.Shared.NextDouble());
        }

        /// <summary>A durable timer, not a sleep: the step waits as <c>Retrying</c> and the run is dispatched again when it is due.</summary>
        private void RetryLater(StepRun row, StepOutcome outcome, DateTimeOffset due)
        {
            var now = _time.GetUtcNow();
            row.Status = StepStatus.Retrying;
            row.ResumeAt = due;
            row.FinishedAt = now;
            row.DurationMs = Duration(row.StartedAt, now);
            row.ErrorHuman = _masker.Apply(outcome.ErrorHuman);
            row.ErrorTech = _masker.Apply(outcome.ErrorTech);
            _changedSteps.Add(row);
            var max = Definition.Steps[row.Position].Retry!.MaxAttempts;
            AddLog(LogLevelName.Warning, LogDomain.Step, row.StepId,
                $"Step '{row.StepId}' attempt {row.Attempts} of {max} failed: {row.ErrorHuman} Next attempt at {due.ToString("O", CultureInfo.InvariantCulture)}.",
                new JsonObject { ["attempt"] = row.Attempts, ["error"] = row.ErrorHuman, ["errorTech"] = row.ErrorTech, ["nextAttemptAt"] = due });
        }

        private void Fail(StepRun row, string human, string? tech, bool timedOut = false)
        {
            var now = _time.GetUtcNow();
            row.Status = StepStatus.Failed;
            row.FinishedAt = now;
            row.DurationMs = Duration(row.StartedAt, now);
            row.ErrorHuman = _masker.Apply(human);
            row.ErrorTech = _masker.Apply(tech);
            _changedSteps.Add(row);
            AddLog(LogLevelName.Error, LogDomain.Step, row.StepId, $"Step '{row.StepId}' failed: {row.ErrorHuman}");
            var step = Definition.Steps[row.Position];
            if (step.OnError == OnErrorModes.Continue)
            {
                row.OutputJson = StoredJson.Write(new JsonObject { ["error"] = row.ErrorHuman, ["errorTech"] = row.ErrorTech });
                return;
            }
            if (_failed is null)
            {
                _failed = row;
                _failedByTimeout = timedOut;
            }
        }

        /// <summary>Sets the run's final or waiting state. Saved with the last checkpoint, in one commit.</summary>
        private void Finish()
        {
            var now = _time.GetUtcNow();
            execution.LeaseOwner = null;
            execution.LeaseExpiresAt = null;
            var waiting = execution.Steps.Where(s => s.Status is StepStatus.Waiting or StepStatus.Retrying).ToList();
            if (_failed is null && waiting.Count > 0)
            {
                var retrying = waiting.Any(s => s.Status == StepStatus.Retrying);
                var deciding = waiting.Any(Approvals.IsUndecided);
                execution.Status = deciding ? ExecutionStatus.Paused : retrying ? ExecutionStatus.Retrying : ExecutionStatus.Waiting;
                execution.DueAt = waiting.Min(s => s.ResumeAt);
                if (Definition.Settings?.Timeout is { } limit && execution.StartedAt + limit < execution.DueAt)
                {
                    // Come back when the run's time is up, to end it then rather than at the next step's time.
                    execution.DueAt = execution.StartedAt + limit;
                }
                execution.Progress = Progress();
                AddLog(LogLevelName.Information, LogDomain.System, null,
                    deciding ? "Run is paused for a decision" : retrying ? "Run waits to retry a step" : "Run is waiting");
                return;
            }
            execution.CurrentStepId = null;
            execution.FinishedAt = now;
            execution.DurationMs = Duration(execution.StartedAt, now);
            if (_failed is { } failed)
            {
                execution.Status = _failedByTimeout ? ExecutionStatus.TimedOut : ExecutionStatus.Failed;
                execution.Progress = Progress();
                execution.CurrentStepId = failed.StepId;
                execution.ErrorHuman = $"Step '{failed.Name}' ({failed.StepId}) failed: {failed.ErrorHuman}";
                execution.ErrorTech = failed.ErrorTech;
                AddLog(LogLevelName.Error, LogDomain.System, null, "Run failed", new JsonObject { ["stepId"] = failed.StepId });
                return;
            }
            try
            {
                execution.OutputJson = StoredJson.Write(_masker.Apply(Output()));
                execution.Status = ExecutionStatus.Succeeded;
                execution.Progress = 100;
                AddLog(LogLevelName.Information, LogDomain.System, null, $"Run succeeded in {execution.DurationMs} ms");
            }
            catch (TemplateException e)
            {
                execution.Status = ExecutionStatus.Failed;
                execution.ErrorHuman = $"The workflow output could not be built: {e.Message}";
                AddLog(LogLevelName.Error, LogDomain.System, null, execution.ErrorHuman);
            }
        }

        private JsonNode? Output()
        {
            if (Definition.Settings?.Output is { } template)
            {
                return TemplateResolver.Resolve(template, Scope());
            }
            var last = execution.Steps.Where(s => s.Status == StepStatus.Succeeded).MaxBy(s => s.Position);
            return StoredJson.Parse(last?.OutputJson);
        }

        private int Progress() =>
            execution.Steps.Count == 0 ? 100 : execution.Steps.Count(s => s.Status.IsFinal()) * 100 / execution.Steps.Count;

        private async Task CheckpointAsync(CancellationToken ct)
        {
            if (execution.Status == ExecutionStatus.Running)
            {
                execution.Progress = Progress();
            }
            if (!db.ChangeTracker.HasChanges() && _logs.Count == 0)
            {
                return;
            }
            // The lease owner is the row's concurrency token, and every checkpoint writes the row: a checkpoint goes in
            // only while this worker still holds the run. If another node ended it (a cancel clears the owner), the
            // write fails instead of overwriting that end, and no step with side effects starts after it.
            db.Entry(execution).Property(e => e.LeaseOwner).IsModified = true;
            await using (var write = await DeskDatabase.BeginWriteAsync(db, ct))
            {
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
                await MultiRowInsert.InsertAsync(db, _logs, ct);
                await write.CommitAsync(ct);
            }
            db.ChangeTracker.AcceptAllChanges();
            _logs.Clear();
            var changed = _changedSteps.Distinct().ToList();
            _changedSteps.Clear();
            foreach (var row in changed)
            {
                await runner._events.StepChangedAsync(StepRunView.From(row), ct);
            }
            await runner._events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
        }

        private async Task AfterFinishAsync(CancellationToken ct)
        {
            if (execution.Status is ExecutionStatus.Waiting or ExecutionStatus.Retrying or ExecutionStatus.Paused && execution.DueAt is { } due)
            {
                await runner._dispatcher.DispatchAtAsync(execution.Id, due, ct);
            }
            else if (execution.Status == ExecutionStatus.Succeeded)
            {
                await NotifyAsync("succeeded", ct);
            }
            else if (execution.Status is ExecutionStatus.Failed or ExecutionStatus.TimedOut)
            {
                await NotifyAsync("failed", ct);
            }
        }

        /// <summary>Raises the notification <c>settings.notifyOn</c> asks for, once per run and event.</summary>
        /// <summary>A run its <c>settings.timeout</c> ended is a dead letter like a failed one: the same notification says so.</summary>
        public Task AfterTimeoutAsync(string reason, CancellationToken ct)
        {
            execution.Status = ExecutionStatus.TimedOut;
            execution.ErrorHuman = reason;
            return NotifyAsync("failed", ct);
        }

        private async Task NotifyAsync(string what, CancellationToken ct)
        {
            // A run that failed is a dead letter: a person hears of it whether or not the workflow asked.
            var deadLetter = what == "failed" && execution.TriggerKind != ExecutionLauncher.TestTriggerKind;
            if (Definition.Settings?.NotifyOn.Contains(what) != true && !deadLetter)
            {
                return;
            }
            var (type, priority, message) = what switch
            {
                "failed" => (NotificationType.Error, NotificationPriority.High,
                    $"{execution.ErrorHuman ?? "The run failed."} It is in dead letters: replay it, resume it from the failed step, or discard it."),
                "succeeded" => (NotificationType.Success, NotificationPriority.Normal, $"Finished in {execution.DurationMs} ms."),
                _ => (NotificationType.Info, NotificationPriority.Low, $"Started by {execution.TriggerKind}."),
            };
            await runner._notifications.CreateAsync(new NewNotification(
                $"{execution.WorkflowName} {what}", message, type, priority, execution.Id, execution.WorkflowId,
                StableId.Within(execution.Id, $"notify:{what}")), ct);
        }

        private async Task<bool> RenewLeaseAsync(CancellationToken ct)
        {
            var until = _time.GetUtcNow() + runner._options.LeaseDuration;
            var owner = runner._options.NodeName;
            var renewed = await db.Executions.Where(e => e.Id == execution.Id && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.LeaseExpiresAt, until), ct);
            return renewed == 1;
        }

        private async Task ReleaseLeaseAsync()
        {
            var owner = runner._options.NodeName;
            await db.Executions.Where(e => e.Id == execution.Id && e.LeaseOwner == owner)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.LeaseExpiresAt, (DateTimeOffset?)null), CancellationToken.None);
        }

        /// <summary>
        /// What templates see. Built once per run and kept up to date: each step's stored output is parsed once,
        /// when it changes, not again for every later step. Resolving only reads the scope (it clones what it returns).
        /// </summary>
        private JsonObject Scope()
        {
            var now = _time.GetUtcNow();
            _scope ??= NewScope();
            _scope["now"] = now.ToString("O", CultureInfo.InvariantCulture);
            _scope["today"] = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var steps = (JsonObject)_scope["steps"]!;
            steps.Clear();
            foreach (var row in execution.Steps)
            {
                if (row.Status is StepStatus.Succeeded || (row.Status == StepStatus.Failed && row.OutputJson is not null))
                {
                    steps[row.StepId] = StepEntry(row);
                }
            }
            return _scope;
        }

        private JsonObject StepEntry(StepRun row)
        {
            if (_stepEntries.TryGetValue(row.StepId, out var known)
                && ReferenceEquals(known.OutputJson, row.OutputJson) && known.Status == row.Status)
            {
                return known.Entry;
            }
            var entry = new JsonObject { ["output"] = StoredJson.Parse(row.OutputJson), ["status"] = row.Status.ToString() };
            _stepEntries[row.StepId] = (row.OutputJson, row.Status, entry);
            return entry;
        }

        private JsonObject NewScope()
        {
            var trigger = StoredJson.Parse(execution.TriggerInputJson) ?? new JsonObject();
            var scope = new JsonObject
            {
                ["trigger"] = trigger,
                ["steps"] = new JsonObject(),
                ["workflow"] = new JsonObject { ["id"] = execution.WorkflowId, ["name"] = execution.WorkflowName, ["version"] = execution.WorkflowVersion },
                ["execution"] = new JsonObject { ["id"] = execution.Id, ["startedAt"] = execution.StartedAt, ["correlationId"] = execution.CorrelationId },
                ["secrets"] = new JsonObject(secretValues.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)JsonValue.Create(s.Value)))),
                ["vars"] = compiled.Vars,
                ["now"] = null,
                ["today"] = null,
            };
            if (execution.TriggerKind == TriggerTypes.Webhook)
            {
                scope["webhook"] = trigger.DeepClone();
            }
            return scope;
        }

        /// <summary>Kept until the next checkpoint, and written there as one statement with it.</summary>
        private void AddLog(LogLevelName level, LogDomain domain, string? stepId, string message, JsonNode? data = null) =>
            _logs.Add(new ExecutionLog
            {
                ExecutionId = execution.Id,
                Time = _time.GetUtcNow(),
                Level = level,
                Domain = domain,
                StepId = stepId,
                Message = _masker.Apply(message)!,
                DataJson = StoredJson.Write(_masker.Apply(data)),
            });

        private static long? Duration(DateTimeOffset? from, DateTimeOffset to) => from is { } start ? (long)(to - start).TotalMilliseconds : null;

    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Execution {ExecutionId} was not claimed ({Status})")]
        public static partial void NotClaimed(ILogger logger, Guid executionId, string status);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionId} is no longer held by this worker (taken over or ended elsewhere); letting it go")]
        public static partial void LeaseLost(ILogger logger, Guid executionId);
    }
}
