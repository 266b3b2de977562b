using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Preflight;

/// <summary>
/// One step of the plan: whether it would run with the sample input, whether it changes the world, and its config as
/// it would be sent. <see cref="Runs"/> is null when that cannot be known before running (its <c>when</c> reads another
/// step's output, or a step it depends on may or may not run); <see cref="Note"/> then says why. In
/// <see cref="Input"/> secrets read <c>***</c> and another step's output reads <c>⟨steps.fetch.output.id⟩</c>.
/// </summary>
public sealed record PreflightPlanStep(string StepId, string Type, bool? Runs, bool SideEffects, JsonNode? Input, string? Note = null);

/// <summary>What preflight answers: ok when no finding is an error.</summary>
public sealed record PreflightReport(bool Ok, IReadOnlyList<PreflightFinding> Findings, IReadOnlyList<PreflightPlanStep> Plan)
{
    public static PreflightReport Of(IReadOnlyList<PreflightFinding> findings, IReadOnlyList<PreflightPlanStep> plan) =>
        new(!findings.Any(f => f.Severity == PreflightSeverity.Error), findings, plan);
}
