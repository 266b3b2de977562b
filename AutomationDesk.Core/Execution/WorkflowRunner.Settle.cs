using AutomationDesk.Core.Execution.Templates;
using AutomationDesk.Core.Steps;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Execution;

public sealed partial class WorkflowRunner
{
    /// <summary>Which steps may start now: due waits ended, skips spread, conditions read, and waits on child runs to look at.</summary>
    private sealed partial class Run
    {
        /// <summary>Ends due waits, skips what must be skipped, and returns the steps that may start now.</summary>
        private List<StepRun> Settle()
        {
            var now = _time.GetUtcNow();
            foreach (var row in execution.Steps.Where(s => s.Status == StepStatus.Waiting && s.ResumeAt <= now && !IsResumable(s)))
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
                    // A stop step that did not stop the run is a gate left open: the steps after it run.
                    if (upstream.Count > 0 && upstream.All(u => u.Status == StepStatus.Skipped && u.Type != StopStep.TypeName))
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
                            holds = Condition.Evaluate(step.When, _scope.Current());
                        }
#pragma warning disable CA1031 // A condition that cannot be read fails its step, never the run's loop.
                        catch (Exception e)
#pragma warning restore CA1031
                        {
                            Fail(row, $"Its 'when' condition could not be read: {e.Message}", e is TemplateException ? null : e.ToString());
                            if (_failed is not null)
                            {
                                return [];
                            }
                            changed = true; // onError: continue: the steps after it may start.
                            continue;
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
            var by = output["by"].TextOrNull();
            var comment = output["comment"].TextOrNull();
            if (by == Approvals.TimeoutDecider)
            {
                _timedOutApprovals.Add((row.StepId, decision));
            }
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

        private bool IsResumable(StepRun row) => runner._registry.Find(row.Type)?.IsResumable == true;

        /// <summary>Steps that wait for child runs and have not been looked at since this worker claimed the run.</summary>
        private List<StepRun> ResumableWaits() =>
            execution.Steps.Where(s => s.Status == StepStatus.Waiting && IsResumable(s) && !_resumed.Contains(s.StepId) && !_running.ContainsValue(s)).ToList();

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
    }
}
