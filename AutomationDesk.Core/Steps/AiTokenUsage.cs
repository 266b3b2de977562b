using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Tokens an AI call cost, as services bill them. A run's usage is the sum over its <c>ai.prompt</c> steps' outputs,
/// read from what is stored already, so no column has to be kept in step with the outputs.
/// </summary>
public sealed record AiTokenUsage(long PromptTokens, long CompletionTokens, long TotalTokens)
{
    public JsonObject ToJson() => new()
    {
        ["promptTokens"] = PromptTokens,
        ["completionTokens"] = CompletionTokens,
        ["totalTokens"] = TotalTokens,
    };

    /// <summary>The usage an <c>ai.prompt</c> output records, or null when the service reported none.</summary>
    public static AiTokenUsage? From(JsonNode? output) =>
        output?["usage"] is JsonObject usage && Count(usage["promptTokens"]) is { } prompt && Count(usage["completionTokens"]) is { } completion
            ? new AiTokenUsage(prompt, completion, Count(usage["totalTokens"]) ?? prompt + completion)
            : null;

    /// <summary>The run's total over its <c>ai.prompt</c> steps; null when none of them reported usage.</summary>
    public static AiTokenUsage? Sum(IEnumerable<StepRunView> steps)
    {
        var used = steps.Where(s => s.Type == AiPromptStep.TypeName).Select(s => From(s.Output)).OfType<AiTokenUsage>().ToList();
        return used.Count == 0
            ? null
            : new AiTokenUsage(used.Sum(u => u.PromptTokens), used.Sum(u => u.CompletionTokens), used.Sum(u => u.TotalTokens));
    }

    private static long? Count(JsonNode? node) => node is JsonValue value && value.TryGetValue<long>(out var n) ? n : null;
}
