using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// What a step returns: its output, or a time to wake up at (a durable wait, no sleeping thread), or a wait for a
/// person's decision (the run goes <c>Paused</c>; <see cref="WaitUntil"/> is then when the default decision applies).
/// </summary>
public sealed record StepResult(JsonNode? Output, DateTimeOffset? WaitUntil = null, bool AwaitsDecision = false)
{
    public static StepResult Done(JsonNode? output) => new(output);

    public static StepResult Wait(DateTimeOffset until, JsonNode? output = null) => new(output, until);

    public static StepResult AwaitDecision(DateTimeOffset? until) => new(null, until, AwaitsDecision: true);
}
