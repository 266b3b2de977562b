using System.Text.Json.Nodes;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Execution;

public sealed partial class WorkflowRunner
{
    /// <summary>The state of one run while it is on this worker.</summary>
    private sealed partial class Run(WorkflowRunner runner, DeskDbContext db, Execution execution, CompiledWorkflow compiled, IReadOnlyDictionary<string, string> secretValues, IReadOnlyList<string> connectionSecrets,
        IReadOnlyDictionary<string, JsonNode?> globalVars)
    {
        private readonly Dictionary<string, StepRun> _rows = execution.Steps.ToDictionary(s => s.StepId, StringComparer.Ordinal);
        private readonly Dictionary<Task<StepOutcome>, StepRun> _running = [];
        private readonly HashSet<string> _resumed = new(StringComparer.Ordinal);
        private int? _childEndsSeen;
        private readonly List<StepRun> _changedSteps = [];
        private readonly List<ExecutionLog> _logs = [];
        // Approval steps whose time ran out since the last checkpoint: their requests in the bell say so in it.
        private readonly List<(string StepId, ApprovalDecision Decision)> _timedOutApprovals = [];
        private readonly SecretMasker _masker = new(secretValues.Values.Concat(connectionSecrets));
        private readonly TimeProvider _time = runner._time;
        private readonly RunScope _scope = new(execution, compiled, secretValues, runner._time, globalVars);
        private StepRun? _failed;
        private bool _failedByTimeout;
        private (StepRun Step, RunStop Stop)? _stopped;

        /// <summary>A step failed (and the run fails) or a <c>stop</c> step ended the run: nothing new starts.</summary>
        private bool Ending => _failed is not null || _stopped is not null;

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
                    var toStart = Ending ? [] : Settle();
                    var toResume = Ending ? [] : ResumableWaits();
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
                    if (Ending && _running.Count > 0)
                    {
                        await StopOtherStepsAsync(stepsCancel);
                    }
                    var done = _running.Count == 0 && toStart.Count == 0 && toResume.Count == 0;
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
                    if (_childEndsSeen is null && (toResume.Count > 0 || toStart.Any(IsResumable)))
                    {
                        _childEndsSeen = await runner._children.CountEndedAsync(execution.Id, ct);
                    }
                    foreach (var row in toStart)
                    {
                        _resumed.Add(row.StepId); // A step that starts waiting now is not looked at again until the run is woken.
                        _running[StartStep(row, stepsCancel.Token)] = row;
                    }
                    foreach (var row in toResume)
                    {
                        _resumed.Add(row.StepId);
                        _running[ResumeStep(row, stepsCancel.Token)] = row;
                    }
                    // One timer serves every wait until it fires, instead of a new timer each time a step ends.
                    renewTask ??= Task.Delay(Timers.Bounded(renewAt - _time.GetUtcNow()), _time, renewDelay.Token);
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
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // The engine itself failed (the database, say): stop the steps in flight before the run is handed back.
                await StopStepsAsync(stepsCancel);
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
            await StopStepsAsync(stepsCancel);
        }

        private async Task StopStepsAsync(CancellationTokenSource stepsCancel)
        {
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
            var now = _time.GetUtcNow();
            if (execution.Status is ExecutionStatus.Waiting or ExecutionStatus.Retrying or ExecutionStatus.Paused)
            {
                execution.WaitingSince ??= now;
            }
            var changed = _changedSteps.Distinct().ToList();
            // The step and run events are written out before the write turn (the log rows' events need the rows' ids, known only in it).
            var stepEvents = runner._options.StoreEvents ? changed.Select(row => ExecutionEventLog.ForStep(execution, row, now)).ToList() : null;
            var runEvent = runner._options.StoreEvents ? ExecutionEventLog.ForExecution(execution, now) : null;
            await using (var write = await DeskDatabase.BeginWriteAsync(db, ct))
            {
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
                // The log events carry the rows' ids: with events stored, the insert reads them back in the same statement.
                await MultiRowInsert.InsertAsync(db, _logs, ct, stepEvents is null ? null : (log, id) => log.Id = id);
                foreach (var (stepId, decision) in _timedOutApprovals)
                {
                    await Approvals.MarkTimedOutAsync(db, execution.Id, stepId, decision, now, ct);
                }
                if (stepEvents is not null && runEvent is not null)
                {
                    await AppendEventsAsync(stepEvents, runEvent, ct);
                }
                await write.CommitAsync(ct);
            }
            db.ChangeTracker.AcceptAllChanges();
            _logs.Clear();
            _changedSteps.Clear();
            _timedOutApprovals.Clear();
            foreach (var row in changed)
            {
                await runner._events.StepChangedAsync(StepRunView.From(row), ct);
            }
            await runner._events.ExecutionChangedAsync(ExecutionSummary.From(execution), ct);
        }


        /// <summary>The checkpoint's events, in its transaction: its steps, its log rows, then the run.</summary>
        private async Task AppendEventsAsync(List<ExecutionEvent> stepEvents, ExecutionEvent runEvent, CancellationToken ct)
        {
            var events = new List<ExecutionEvent>(stepEvents.Count + _logs.Count + 1);
            events.AddRange(stepEvents);
            events.AddRange(_logs.Select(log => ExecutionEventLog.ForLog(execution, log)));
            events.Add(runEvent);
            await ExecutionEventLog.AppendAsync(db, events, ct);
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
}
