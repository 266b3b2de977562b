using System.Globalization;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Preflight;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Execution;

public sealed partial class WorkflowRunner
{
    private sealed record StepOutcome(
        StepStatus Status, JsonNode? Output, DateTimeOffset? WaitUntil, string? ErrorHuman, string? ErrorTech, IReadOnlyCollection<StepLogEntry> Logs,
        bool Transient = false, TimeSpan? RetryAfter = null, bool TimedOut = false, RunStop? Stop = null, bool Resumed = false);
    private sealed partial class Run
    {
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
                resolved = descriptor.ResolveConfig(step.Config, _scope.Current());
                row.InputJson = StoredJson.Write(_masker.Apply(resolved));
            }
            catch (Exception e) when (e is TemplateException or StepFailedException)
            {
                return Task.FromResult(new StepOutcome(StepStatus.Failed, null, null, e is StepFailedException f ? f.Human : e.Message, null, []));
            }
#pragma warning disable CA1031 // Whatever a template or a value throws fails this step, never the run's loop.
            catch (Exception e)
#pragma warning restore CA1031
            {
                return Task.FromResult(new StepOutcome(StepStatus.Failed, null, null, $"Its settings could not be resolved: {e.Message}", e.ToString(), []));
            }
            if (execution.DryRun && StepSideEffects.Of(descriptor, resolved))
            {
                // A dry run's side-effect step does not act: it answers what it would have sent, masked as its input is.
                return Task.FromResult(new StepOutcome(StepStatus.Succeeded, StepSideEffects.DryRunOutput(descriptor, _masker.Apply(resolved)), null, null, null,
                    [new StepLogEntry(LogLevelName.Information, $"Dry run: step '{row.StepId}' did not act; its output shows what it would have sent", null)]));
            }
            var timeout = step.Timeout ?? descriptor.DefaultTimeout ?? runner._options.DefaultStepTimeout;
            var context = NewContext(row, descriptor, timeout);
            return RunStepAsync(attemptCt => descriptor.ExecuteAsync(resolved, context, attemptCt), context, timeout, resumed: false, ct);
        }

        /// <summary>Looks again at a step that waits for child runs, with the config stored when it started.</summary>
        private Task<StepOutcome> ResumeStep(StepRun row, CancellationToken ct)
        {
            var step = Definition.Steps[row.Position];
            var descriptor = runner._registry.Find(step.Type)!;
            var timeout = step.Timeout ?? descriptor.DefaultTimeout ?? runner._options.DefaultStepTimeout;
            var context = NewContext(row, descriptor, timeout);
            var stored = StoredJson.Parse(row.InputJson) as JsonObject ?? [];
            return RunStepAsync(attemptCt => descriptor.ResumeAsync(stored, context, attemptCt), context, timeout, resumed: true, ct);
        }

        private StepContext NewContext(StepRun row, StepDescriptor descriptor, TimeSpan timeout) =>
            new(execution.Id, execution.WorkflowId, row.StepId, row.Attempts, execution.OriginExecutionId)
            {
                Masker = _masker,
                Timeout = timeout,
                CorrelationId = execution.CorrelationId,
                // A copy: the step reads it on its own task while the loop goes on changing the run's scope.
                TemplateScope = descriptor.PerItemField is null ? [] : (JsonObject)_scope.Current().DeepClone(),
            };

        private async Task<StepOutcome> RunStepAsync(
            Func<CancellationToken, Task<StepResult>> run, StepContext context, TimeSpan timeout, bool resumed, CancellationToken ct)
        {
            await Task.Yield(); // Let the loop go on to start the other ready steps.
            using var deadline = new CancellationTokenSource(Timers.Bounded(timeout), _time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            try
            {
                var result = await run(attempt.Token);
                return result.WaitUntil is not null || result.AwaitsDecision || result.AwaitsChildren
                    ? new StepOutcome(StepStatus.Waiting, result.Output, result.WaitUntil, null, null, context.DrainLogs(), Resumed: resumed)
                    : new StepOutcome(StepStatus.Succeeded, result.Output, null, null, null, context.DrainLogs(), Stop: result.Stop);
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
                return new StepOutcome(StepStatus.Failed, null, null, $"It stopped on an unexpected error: {e.Message}", e.ToString(), context.DrainLogs(),
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
            _changedSteps.Add(row);
            try
            {
                row.OutputJson = StoredJson.Write(_masker.Apply(outcome.Output));
            }
#pragma warning disable CA1031 // An output that cannot be stored fails its step, never the run's loop.
            catch (Exception e)
#pragma warning restore CA1031
            {
                row.OutputJson = null;
                outcome = outcome with
                {
                    Status = StepStatus.Failed, Output = null, Transient = false,
                    ErrorHuman = $"Its output could not be stored: {e.Message}", ErrorTech = e.ToString(),
                };
            }
            switch (outcome.Status)
            {
                case StepStatus.Waiting when outcome.Resumed:
                    row.ResumeAt = outcome.WaitUntil; // Still waiting for its child runs: its output shows how far they are.
                    return;
                case StepStatus.Waiting when outcome.WaitUntil is null && row.Type != ApprovalStep.TypeName:
                    row.Status = StepStatus.Waiting;
                    row.ResumeAt = null;
                    AddLog(LogLevelName.Information, LogDomain.Step, row.StepId, $"Step '{row.StepId}' waits for the runs it started");
                    return;
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
                    if (outcome.Stop is { } stop && _stopped is null && !Ending)
                    {
                        _stopped = (row, stop);
                        AddLog(stop.Failed ? LogLevelName.Error : LogLevelName.Information, LogDomain.Step, row.StepId,
                            $"Step '{row.StepId}' stops the run as {(stop.Failed ? "failed" : "succeeded")}: {_masker.Apply(stop.Message)}");
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

    }
}
