using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Execution;

public sealed partial class WorkflowRunner
{
    private sealed partial class Run
    {
        /// <summary>Sets the run's final or waiting state. Saved with the last checkpoint, in one commit.</summary>
        private void Finish()
        {
            var now = _time.GetUtcNow();
            execution.LeaseOwner = null;
            execution.LeaseExpiresAt = null;
            if (_stopped is not null)
            {
                SkipTheRest();
            }
            var waiting = execution.Steps.Where(s => s.Status is StepStatus.Waiting or StepStatus.Retrying).ToList();
            if (!Ending && waiting.Count > 0)
            {
                var retrying = waiting.Any(s => s.Status == StepStatus.Retrying);
                var deciding = waiting.Any(Approvals.IsUndecided);
                execution.Status = deciding ? ExecutionStatus.Paused : retrying ? ExecutionStatus.Retrying : ExecutionStatus.Waiting;
                execution.DueAt = waiting.Min(s => s.ResumeAt);
                if (Definition.Settings?.Timeout is { } limit && (execution.DueAt is null || execution.StartedAt + limit < execution.DueAt))
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
                foreach (var row in execution.Steps.Where(s => s.Status is StepStatus.Waiting or StepStatus.Retrying))
                {
                    // Another branch failed while this one waited: it ends with the run (its child runs are cancelled too).
                    row.Status = StepStatus.Cancelled;
                    row.ResumeAt = null;
                    row.FinishedAt = now;
                    _changedSteps.Add(row);
                }
                execution.Status = _failedByTimeout ? ExecutionStatus.TimedOut : ExecutionStatus.Failed;
                execution.Progress = Progress();
                execution.CurrentStepId = failed.StepId;
                execution.ErrorHuman = $"Step '{failed.Name}' ({failed.StepId}) failed: {failed.ErrorHuman}";
                execution.ErrorTech = failed.ErrorTech;
                AddLog(LogLevelName.Error, LogDomain.System, null, "Run failed", new JsonObject { ["stepId"] = failed.StepId });
                return;
            }
            if (_stopped is { Stop.Failed: true } failedStop)
            {
                execution.Status = ExecutionStatus.Failed;
                execution.Progress = Progress();
                execution.CurrentStepId = failedStop.Step.StepId;
                execution.ErrorHuman = _masker.Apply($"Stopped by step '{failedStop.Step.Name}' ({failedStop.Step.StepId}): {failedStop.Stop.Message}")!;
                AddLog(LogLevelName.Error, LogDomain.System, null, "Run failed", new JsonObject { ["stepId"] = failedStop.Step.StepId });
                return;
            }
            try
            {
                execution.OutputJson = StoredJson.Write(_masker.Apply(Output()));
                execution.Status = ExecutionStatus.Succeeded;
                execution.Progress = 100;
                AddLog(LogLevelName.Information, LogDomain.System, null, $"Run succeeded in {execution.DurationMs} ms");
            }
#pragma warning disable CA1031 // An output that cannot be built fails the run with a message, never its loop.
            catch (Exception e)
#pragma warning restore CA1031
            {
                execution.Status = ExecutionStatus.Failed;
                execution.ErrorHuman = _masker.Apply($"The workflow output could not be built: {e.Message}")!;
                execution.ErrorTech = e is TemplateException ? null : _masker.Apply(e.ToString());
                AddLog(LogLevelName.Error, LogDomain.System, null, execution.ErrorHuman);
            }
        }

        /// <summary>A <c>stop</c> step ended the run: what has not run, or still waits, is skipped.</summary>
        private void SkipTheRest()
        {
            foreach (var row in execution.Steps.Where(s => s.Status is StepStatus.Pending or StepStatus.Waiting or StepStatus.Retrying))
            {
                row.ResumeAt = null;
                Skip(row, $"step '{_stopped!.Value.Step.StepId}' stopped the run");
            }
        }

        private JsonNode? Output()
        {
            if (Definition.Settings?.Output is { } template)
            {
                return TemplateResolver.Resolve(template, _scope.Current());
            }
            if (_stopped is { } stopped)
            {
                return StoredJson.Parse(stopped.Step.OutputJson);
            }
            var last = execution.Steps.Where(s => s.Status == StepStatus.Succeeded).MaxBy(s => s.Position);
            return StoredJson.Parse(last?.OutputJson);
        }

        private int Progress() =>
            execution.Steps.Count == 0 ? 100 : execution.Steps.Count(s => s.Status.IsFinal()) * 100 / execution.Steps.Count;

        private async Task AfterFinishAsync(CancellationToken ct)
        {
            if (execution.Status is ExecutionStatus.Waiting or ExecutionStatus.Retrying or ExecutionStatus.Paused && execution.DueAt is { } due)
            {
                await runner._dispatcher.DispatchAtAsync(execution.Id, due, ct);
            }
            if (execution.Status is ExecutionStatus.Waiting or ExecutionStatus.Retrying && _childEndsSeen is { } seen
                && execution.Steps.Any(s => s.Status == StepStatus.Waiting && IsResumable(s))
                && await runner._children.CountEndedAsync(execution.Id, ct) > seen)
            {
                // A child ended while this worker held the run and could not wake it: the run wakes itself.
                await runner._children.WakeAsync(execution.Id, ct);
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

        /// <summary>A run its <c>settings.timeout</c> ended is a dead letter like a failed one: the same notification says so.</summary>
        public Task AfterTimeoutAsync(string reason, CancellationToken ct)
        {
            execution.Status = ExecutionStatus.TimedOut;
            execution.ErrorHuman = reason;
            return NotifyAsync("failed", ct);
        }

        /// <summary>Raises the notification <c>settings.notifyOn</c> asks for, once per run and event.</summary>
        private async Task NotifyAsync(string what, CancellationToken ct)
        {
            if (execution.DryRun)
            {
                return; // A dry run tells no one: it is a rehearsal, not a dead letter.
            }
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

    }
}
