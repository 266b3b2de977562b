using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Starts another workflow as a child run: its <c>trigger.body</c> is <c>input</c>, its parent is this run, its correlation
/// id this run's. With <c>wait</c> the step waits without holding a thread (the run is <c>Waiting</c>, and a restart
/// does not lose the wait) and takes the child's output; a child that fails, is cancelled or times out fails the step,
/// naming it. A step run again after a crash finds the child it started instead of starting another.
/// </summary>
[StepType(TypeName, Label = "Run workflow", Category = StepCategory.Flow, Summary = "Runs another workflow and waits for its result.", HasSideEffects = true)]
public sealed class WorkflowRunStep(ChildRuns children) : IResumableStep<WorkflowRunConfig>
{
    public const string TypeName = "workflow.run";

    public async Task<StepResult> ExecuteAsync(WorkflowRunConfig config, StepContext context, CancellationToken ct)
    {
        var child = await children.StartOnceAsync(context, config.WorkflowId, config.Input ?? [], ct);
        context.Log(LogLevelName.Information, $"Sub-workflow '{child.WorkflowName}' runs as {child.Id}", new JsonObject { ["executionId"] = child.Id });
        return config.Wait ? Outcome(child) : StepResult.Done(new JsonObject { ["executionId"] = child.Id, ["status"] = child.Status.ToString() });
    }

    public async Task<StepResult> ResumeAsync(WorkflowRunConfig config, StepContext context, CancellationToken ct)
    {
        var child = await children.FindAsync(context.ExecutionId, context.StepId, ct)
            ?? throw new StepFailedException("The sub-workflow's run this step waited for no longer exists (it was deleted).");
        return Outcome(child);
    }

    private static StepResult Outcome(ChildRun child)
    {
        var output = new JsonObject { ["executionId"] = child.Id, ["status"] = child.Status.ToString() };
        if (child.Status == ExecutionStatus.Succeeded)
        {
            output["output"] = StoredJson.Parse(child.OutputJson);
            return StepResult.Done(output);
        }
        return child.Status.IsFinal() ? throw new StepFailedException(Ended(child)) : StepResult.WaitForChildren(output);
    }

    /// <summary>"Sub-workflow 'Notify on-call' (run …) failed: …", for a child that ended without succeeding.</summary>
    internal static string Ended(ChildRun child)
    {
        var how = child.Status switch
        {
            ExecutionStatus.Cancelled => "was cancelled",
            ExecutionStatus.TimedOut => "timed out",
            _ => "failed",
        };
        return $"Sub-workflow '{child.WorkflowName}' (run {child.Id}) {how}: {child.ErrorHuman ?? "no reason was given."}";
    }
}

public sealed record WorkflowRunConfig : IValidatableConfig
{
    /// <summary>The workflow to run, by id.</summary>
    public required Guid WorkflowId { get; init; }

    /// <summary>The child's <c>trigger.body</c>.</summary>
    public JsonObject? Input { get; init; }

    /// <summary>Wait for the child to end and take its output; false starts it and goes on at once.</summary>
    public bool Wait { get; init; } = true;

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (WorkflowId == Guid.Empty)
        {
            yield return ("workflowId", "Choose the workflow to run.");
        }
    }
}
