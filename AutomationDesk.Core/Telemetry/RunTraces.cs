using System.Diagnostics;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Core.Telemetry;

/// <summary>
/// One trace per run, written when the run ends from the timings the desk recorded. A run can outlive the worker that
/// started it (a delay, an approval, a restart, another node): spans opened per claim would cut it into pieces or
/// leave them open for days. So the trace is drawn once, at the end: a span for the run (its start to its end) and a
/// child span for each step that started (its last attempt), each tagged with the run's correlation id. The trace id
/// is the execution id (<c>Guid.ToString("N")</c>), so a run's trace is found by its id.
/// </summary>
public sealed class RunTraces(IDbContextFactory<DeskDbContext> dbFactory)
{
    public const string SourceName = "AutomationDesk";
    public const string CorrelationIdTag = "desk.correlation_id";
    public const string ExecutionIdTag = "desk.execution_id";
    public const string WorkflowTag = "desk.workflow";
    public const string StepIdTag = "desk.step_id";
    public const string StepTypeTag = "desk.step_type";
    public const string StatusTag = "desk.status";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The trace id of a run: its execution id's 16 bytes, so the two read the same in hex.</summary>
    public static ActivityTraceId TraceIdOf(Guid executionId) => ActivityTraceId.CreateFromBytes(executionId.ToByteArray(bigEndian: true));

    /// <summary>Writes the run's trace; does nothing (not even a query) when nobody listens.</summary>
    public async Task RunEndedAsync(ExecutionSummary run, CancellationToken ct)
    {
        if (!Source.HasListeners() || run.StartedAt is not { } started || run.FinishedAt is not { } finished)
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var steps = await db.StepRuns.AsNoTracking()
            .Where(s => s.ExecutionId == run.Id && s.StartedAt != null)
            .Select(s => new { s.StepId, s.Position, s.Type, s.Status, s.Attempts, s.StartedAt, s.FinishedAt, s.ErrorHuman })
            .ToListAsync(ct);
        var current = Activity.Current;
        try
        {
            // A root of its own: the trace id is the run's, not that of whatever request or job ended it.
            var root = new ActivityContext(TraceIdOf(run.Id), default, ActivityTraceFlags.Recorded);
            using var runSpan = Source.StartActivity(ActivityKind.Internal, root, RunTags(run), startTime: started, name: $"run {run.WorkflowName}");
            if (runSpan is null)
            {
                return;
            }
            if (run.Status != ExecutionStatus.Succeeded)
            {
                runSpan.SetStatus(run.Status is ExecutionStatus.Failed or ExecutionStatus.TimedOut ? ActivityStatusCode.Error : ActivityStatusCode.Unset, run.ErrorHuman);
            }
            foreach (var step in steps.OrderBy(s => s.StartedAt).ThenBy(s => s.Position))
            {
                using var stepSpan = Source.StartActivity(ActivityKind.Internal, runSpan.Context, [
                    new(CorrelationIdTag, run.CorrelationId), new(ExecutionIdTag, run.Id.ToString()), new(WorkflowTag, run.WorkflowName),
                    new(StepIdTag, step.StepId), new(StepTypeTag, step.Type), new(StatusTag, step.Status.ToString()),
                    new("desk.attempts", step.Attempts)], startTime: step.StartedAt!.Value, name: $"step {step.StepId}");
                if (stepSpan is null)
                {
                    continue;
                }
                if (step.Status == StepStatus.Failed)
                {
                    stepSpan.SetStatus(ActivityStatusCode.Error, step.ErrorHuman);
                }
                stepSpan.SetEndTime((step.FinishedAt ?? finished).UtcDateTime);
            }
            runSpan.SetEndTime(finished.UtcDateTime);
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private static List<KeyValuePair<string, object?>> RunTags(ExecutionSummary run) =>
    [
        new(CorrelationIdTag, run.CorrelationId), new(ExecutionIdTag, run.Id.ToString()), new(WorkflowTag, run.WorkflowName),
        new("desk.workflow_id", run.WorkflowId.ToString()), new("desk.workflow_version", run.WorkflowVersion),
        new(StatusTag, run.Status.ToString()), new("desk.trigger", run.TriggerKind), new("desk.dry_run", run.DryRun),
    ];
}
