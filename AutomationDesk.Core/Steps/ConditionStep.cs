using System.Text.Json.Nodes;
using AutomationDesk.Core.Execution.Templates;

namespace AutomationDesk.Core.Steps;

/// <summary>Evaluates a condition; the output is <c>{ "result": true|false }</c> for later steps' <c>when</c>.</summary>
[StepType(TypeName, Label = "Condition", Category = StepCategory.Flow, Summary = "Checks a condition; later steps run or skip on its true or false.")]
public sealed class ConditionStep : IStep<ConditionConfig>, IResolvesOwnTemplates
{
    public const string TypeName = "condition";

    /// <summary>Resolved as a condition, so <c>exists</c> and <c>empty</c> on a missing path answer instead of failing.</summary>
    public JsonObject ResolveConfig(JsonObject config, JsonObject scope) => (JsonObject)Condition.Resolve(config, scope)!;

    public Task<StepResult> ExecuteAsync(ConditionConfig config, StepContext context, CancellationToken ct)
    {
        var result = Condition.EvaluateResolved(config.ToCondition());
        return Task.FromResult(StepResult.Done(new JsonObject { ["result"] = result }));
    }
}

/// <summary><c>{ left, operator, right }</c>, or <c>all</c> / <c>any</c> of conditions.</summary>
public sealed record ConditionConfig : IValidatableConfig
{
    public JsonNode? Left { get; init; }
    public string? Operator { get; init; }
    public JsonNode? Right { get; init; }
    public JsonArray? All { get; init; }
    public JsonArray? Any { get; init; }

    public JsonNode ToCondition() => All is not null ? new JsonObject { ["all"] = All.DeepClone() }
        : Any is not null ? new JsonObject { ["any"] = Any.DeepClone() }
        : new JsonObject { ["left"] = Left?.DeepClone(), ["operator"] = Operator ?? "eq", ["right"] = Right?.DeepClone() };

    public IEnumerable<(string Field, string Message)> Validate() =>
        Condition.Validate(ToCondition(), "").Select(e => (e.Path.TrimStart('.'), e.Message));
}
