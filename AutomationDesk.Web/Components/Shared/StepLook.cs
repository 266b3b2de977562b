using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Steps;
using MudBlazor;

namespace AutomationDesk.Web.Components.Shared;

/// <summary>
/// How one step of a run is shown, in words and colour: the timeline's chip and the graph's node read it here. A step
/// the run never reached (it ended first, or was cancelled before the step started) says "Not run", not "Pending"; an
/// approval still undecided says "Waiting for approval".
/// </summary>
public sealed record StepLook(string Label, Color Color)
{
    public const string NotRunLabel = "Not run";

    public static StepLook Of(StepRunView step, ExecutionStatus runStatus) => step switch
    {
        { Status: StepStatus.Pending } when runStatus.IsFinal() => new(NotRunLabel, Color.Default),
        { Status: StepStatus.Cancelled, StartedAt: null } => new(NotRunLabel, Color.Default),
        { Status: StepStatus.Waiting, Type: ApprovalStep.TypeName, Output: null } => new("Waiting for approval", Color.Warning),
        _ => new(step.Status.ToString(), RunStatusColors.ColorOf(step.Status)),
    };
}
