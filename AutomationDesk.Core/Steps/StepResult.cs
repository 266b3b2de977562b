using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>What a step returns: its output, or a time to wake up at (a durable wait, no sleeping thread).</summary>
public sealed record StepResult(JsonNode? Output, DateTimeOffset? WaitUntil = null)
{
    public static StepResult Done(JsonNode? output) => new(output);

    public static StepResult Wait(DateTimeOffset until, JsonNode? output = null) => new(output, until);
}
